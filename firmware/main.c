/*
 * rev A firmware: connects the hardware layer (hal/) to the board logic
 * (core/), nothing else. Loop: drain received bytes, read the HX711s when
 * they are ready, let the core build frames, tick the clock.
 */
#include <avr/interrupt.h>

#include "board.h"
#include "hal.h"
#include "io.h"

static fw_board board;

uint8_t fw_io_send(const uint8_t *frame, uint16_t len, uint8_t droppable)
{
    return hal_uart_send(frame, len, droppable);
}

uint8_t fw_io_store_cal(const fw_cal *cal)
{
    uint8_t blob[FW_CAL_BLOB];
    fw_cal_pack(cal, blob);
    return hal_eeprom_store(blob, sizeof blob);
}

uint32_t fw_io_encoder_errors(void)
{
    return hal_encoder_errors();
}

/* Stored calibration, or defaults. Its own frame so the ~200 bytes of
 * stack it uses are given back before the loop starts. */
static void __attribute__((noinline)) start(void)
{
    uint8_t blob[FW_CAL_BLOB];
    fw_cal cal;

    hal_eeprom_load(blob, sizeof blob);
    fw_board_init(&board, fw_cal_unpack(blob, &cal) ? &cal : 0);
}

int main(void)
{
    hal_init();
    start();
    sei();

    for (;;) {
        uint8_t byte;
        while (hal_uart_rx(&byte))
            fw_board_rx(&board, byte);
        if (hal_hx711_ready()) {
            /* Time and encoder belong to the moment the conversion was
             * found ready, not to the end of the ~0.2 ms read. */
            int32_t raw[FW_CELLS];
            hal_mark(1);
            uint32_t t = hal_micros();
            int32_t enc = hal_encoder_count();
            hal_hx711_read(raw);
            fw_board_conversion(&board, raw, enc, t);
            hal_mark(0);
        }
        fw_board_tick(&board, hal_millis());
    }
}
