/* The firmware image (build/firmware.wasm) as a constant array in flash, parsed in place by wasm3. */
    .section .firmware, "a"
    .balign 4
    .global mcu_image
    .global mcu_image_end
mcu_image:
    .incbin MCU_IMAGE_PATH
mcu_image_end:
