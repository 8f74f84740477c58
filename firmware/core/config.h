/*
 * Every compile-time choice of the rev A firmware, in one place. The core
 * (plain C) and the HAL (AVR registers) both read this; host tests build
 * the core with the same values.
 */
#ifndef ROLLMAP_FW_CONFIG_H
#define ROLLMAP_FW_CONFIG_H

/* Board geometry reported in the descriptor (docs/protocol.md 4). */
#define FW_CELLS          12      /* HX711s; 6 on port B, 6 on port C */
#define FW_PITCH_MM       20.0f
#define FW_CELL_AREA_MM2  700.0f
#define FW_RADIUS_MM      72.0f   /* effective rolling radius under a calf
                                     (docs/firmware.md), not unloaded */
#define FW_ENCODER_CPR    2400u   /* quadrature counts (x4) per turn */
#define FW_FIRMWARE       "rollmap-fw 0.1.0"
#ifndef FW_SERIAL
#define FW_SERIAL         "REVA-0000" /* override per board: -DFW_SERIAL=.. */
#endif
/* Default calibration until a stored one is loaded: 1e-4 N/count, tare 0
 * (as rm_descriptor_rev_a()). */
#define FW_DEFAULT_SCALE  1e-4f

/* The HX711s convert at 80 Hz from a shared crystal; lower rates average
 * 80/rate conversions. Rates must divide 80 and lie in 10..80. */
#define FW_ADC_RATE_HZ    80u
#ifndef FW_ADC_PERIOD_US
#define FW_ADC_PERIOD_US  12500u  /* 1 / 80 Hz; tests may run faster ADCs */
#endif
#define FW_TARE_DEFAULT   16u     /* conversions averaged by TARE 0 */
/* No conversion for this long during a TARE: answer "no signal". */
#define FW_TARE_TIMEOUT_MS 1000u

/* Serial link. */
#ifndef FW_BAUD
#define FW_BAUD           115200UL
#endif
#define FW_TX_RING        256u    /* bytes; uint8_t indices wrap for free */
#define FW_RX_RING        32u     /* bytes; power of two */
#define FW_RX_FRAME       24u     /* longest command: 11 + 2 CRC, COBS'd 14 */

/* A STATUS frame this often while streaming. */
#define FW_STATUS_PERIOD_MS 1000u

#endif /* ROLLMAP_FW_CONFIG_H */
