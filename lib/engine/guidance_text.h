/*
 * guidance_text.h - the one safety sentence: the guidance's last entry
 * (code "safety", guidance.c) and the human-readable reports' fallback
 * when a summary has no such entry (lib/report) say the same words.
 */
#ifndef ROLLMAP_ENGINE_GUIDANCE_TEXT_H
#define ROLLMAP_ENGINE_GUIDANCE_TEXT_H

#define RM_GUIDANCE_SAFETY_TEXT                                             \
    "Sharp pain, swelling or redness are a reason to stop and see a "      \
    "professional. This report describes the session; it is not a "        \
    "diagnosis."

#endif /* ROLLMAP_ENGINE_GUIDANCE_TEXT_H */
