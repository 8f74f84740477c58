# Firmware for the rev A board (ATmega328P, 16 MHz), built with avr-gcc.
#   make firmware      $(BUILD)/firmware/rollmap-fw.elf (.hex), 115200 baud,
#                      and rollmap-fw-1m.elf (1 Mbaud, for rate measurements)
# The build prints flash and RAM use and fails over budget
# (flash <= 16 KiB, RAM = .data + .bss <= 1 KiB; docs/firmware.md).

AVR_CC      ?= avr-gcc
AVR_OBJCOPY ?= avr-objcopy
AVR_SIZE    ?= avr-size
FW_MCU      := atmega328p
FW_FLASH_MAX := 16384
FW_RAM_MAX   := 1024

FW_SRC := firmware/main.c firmware/hal/hal_avr.c \
          $(sort $(wildcard firmware/core/*.c)) \
          lib/wire/cobs.c lib/wire/crc.c lib/wire/frame.c lib/wire/decoder.c
FW_HDR := $(wildcard firmware/*/*.h lib/wire/*.h)
FW_CFLAGS := -mmcu=$(FW_MCU) -DF_CPU=16000000UL -Os -std=gnu11 -g \
             -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -ffunction-sections -fdata-sections \
             -Ilib -Ifirmware/core -Ifirmware/hal
FW_LDFLAGS := -mmcu=$(FW_MCU) -Wl,--gc-sections

FW_ELF    := $(BUILD)/firmware/rollmap-fw.elf
FW_ELF_1M := $(BUILD)/firmware/rollmap-fw-1m.elf

.PHONY: firmware
firmware: $(FW_ELF) $(FW_ELF:.elf=.hex) $(FW_ELF_1M)

# $(1): output ELF, $(2): extra defines. Prints the budget line and
# fails (deleting the ELF) when over budget.
define fw_link
	@mkdir -p $(dir $(1))
	$(AVR_CC) $(FW_CFLAGS) $(2) $(FW_LDFLAGS) -o $(1) $(FW_SRC)
	@$(AVR_SIZE) -A $(1) | awk -v f=$(FW_FLASH_MAX) -v r=$(FW_RAM_MAX) \
	  -v elf=$(notdir $(1)) \
	  '$$1==".text"{t=$$2} $$1==".data"{d=$$2} $$1==".bss"{b=$$2} \
	   END{printf "%s: flash %d / %d bytes, RAM (data+bss) %d / %d bytes\n", \
	       elf, t+d, f, d+b, r; if (t+d>f || d+b>r) {print "over budget"; exit 1}}' \
	  || { rm -f $(1); exit 1; }
endef

$(FW_ELF): $(FW_SRC) $(FW_HDR) firmware/firmware.mk
	$(call fw_link,$@,)

$(FW_ELF_1M): $(FW_SRC) $(FW_HDR) firmware/firmware.mk
	$(call fw_link,$@,-DFW_BAUD=1000000UL)

$(FW_ELF:.elf=.hex): $(FW_ELF)
	$(AVR_OBJCOPY) -O ihex -R .eeprom $< $@

# The plain-C core is also built for the host and linked into the Check
# runner, where tests/unit/check_firmware.c drives it with fake hooks.
FW_CORE_HOST_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard firmware/core/*.c)))
$(FW_CORE_HOST_OBJ) $(BUILD)/tests/unit/check_firmware.o: ALL_CFLAGS += -Ifirmware/core
UNIT_OBJ += $(FW_CORE_HOST_OBJ)
$(UNIT_BIN): $(FW_CORE_HOST_OBJ)
-include $(FW_CORE_HOST_OBJ:.o=.d)

-include tests/firmware/firmware.mk
