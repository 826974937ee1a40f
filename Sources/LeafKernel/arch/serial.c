// COM1 (0x3F8), 115200 8N1, polled. `putchar` is what the Embedded Swift runtime prints through.
#include "leaf_kernel.h"

#define COM1 0x3f8

// A byte that arrived before the FIFO was on (QEMU hands stdin over from its start): enabling
// the FIFO resets it, so the byte is kept here for the first read.
static int early_byte = -1;

void leaf_serial_init(void) {
    leaf_outb(COM1 + 1, 0x00);  // no interrupts
    leaf_outb(COM1 + 3, 0x80);  // DLAB
    leaf_outb(COM1 + 0, 0x01);  // divisor 1: 115200 baud
    leaf_outb(COM1 + 1, 0x00);
    leaf_outb(COM1 + 3, 0x03);  // 8N1
    if (leaf_inb(COM1 + 5) & 0x01) early_byte = leaf_inb(COM1);
    leaf_outb(COM1 + 2, 0xc7);  // FIFO on, cleared
    leaf_outb(COM1 + 4, 0x03);  // DTR, RTS
}

void leaf_serial_put(uint8_t c) {
    if (c == '\n') leaf_serial_put('\r');
    for (int spins = 0; spins < 100000 && !(leaf_inb(COM1 + 5) & 0x20); spins++) leaf_pause();
    leaf_outb(COM1, c);
}

int leaf_serial_get(void) {
    if (early_byte >= 0) {
        int c = early_byte;
        early_byte = -1;
        return c;
    }
    // LSR bit 0: a received byte is waiting (16550 datasheet, line status register).
    if (!(leaf_inb(COM1 + 5) & 0x01)) return -1;
    return leaf_inb(COM1);
}

void leaf_serial_write(const char *s) { while (*s) leaf_serial_put((uint8_t)*s++); }

void leaf_serial_hex(uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    leaf_serial_write("0x");
    for (int shift = 60; shift >= 0; shift -= 4) leaf_serial_put((uint8_t)digits[(v >> shift) & 0xf]);
}

void leaf_serial_dec(uint64_t v) {
    char buffer[24];
    int i = 0;
    do { buffer[i++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (i) leaf_serial_put((uint8_t)buffer[--i]);
}

int putchar(int c) {
    leaf_serial_put((uint8_t)c);
    return c;
}

__attribute__((noreturn)) void leaf_qemu_exit(uint8_t value) {
    leaf_outl(LEAF_EXIT_PORT, value);
    // Without isa-debug-exit (plain `make qemu` keeps it too, but a bare QEMU may not): stop here.
    leaf_serial_write("leaf: isa-debug-exit is absent; halting\n");
    for (;;) { leaf_cli(); leaf_hlt(); }
}
