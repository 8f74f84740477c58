/*
 * wire_host.h - what the link asks the host-side rm_decoder beyond the
 * public API: why frames were thrown away, so a rejected descriptor or a
 * stream of unusable samples gets a message that names the problem.
 * Hidden symbols (librollmap internal).
 */
#ifndef ROLLMAP_WIRE_HOST_H
#define ROLLMAP_WIRE_HOST_H

#include <stdint.h>

#include "rollmap.h"

/* Why the last descriptor frame was rejected; "" if the last one was
 * accepted or none came. Valid until the next rm_decoder_feed(). */
const char *rm_decoder_descriptor_reject(const rm_decoder *dec);

/* Sample frames rejected so far: a length that is not 13 + 3 x cells,
 * or a cell count other than the descriptor's. */
uint64_t rm_decoder_bad_samples(const rm_decoder *dec);

#endif
