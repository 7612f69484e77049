/* A small writer of ACPI Machine Language (ACPI spec 6.x, chapter 20),
 * enough for our DSDT (kboot_loader_acpi_dsdt.c): names, integers,
 * packages, buffers, devices, methods and the few operators the PCI
 * interrupt links use.  Bytes go to a GByteArray in the order the spec
 * lists them; the PkgLength of a nested object is written when it is
 * closed, so code reads as the ASL it makes:
 *
 *   gsize dev = kboot_aml_open_ext (aml, KBOOT_AML_DEVICE_OP);
 *   kboot_aml_name (aml, "PCI0");
 *   ...
 *   kboot_aml_close (aml, dev);
 *
 * Pure; GLib only.  QEMU's hw/acpi/aml-build.c does the same job with a
 * tree of objects; a flat writer is enough for one fixed table. */
#ifndef KBOOT_LOADER_AML_H
#define KBOOT_LOADER_AML_H

#include <glib.h>

G_BEGIN_DECLS

/* Opcodes (ACPI 6.4 section 20.3, "AML Byte Stream Byte Values"). */
#define KBOOT_AML_ZERO_OP          0x00
#define KBOOT_AML_ONE_OP           0x01
#define KBOOT_AML_NAME_OP          0x08
#define KBOOT_AML_BYTE_PREFIX      0x0a
#define KBOOT_AML_WORD_PREFIX      0x0b
#define KBOOT_AML_DWORD_PREFIX     0x0c
#define KBOOT_AML_QWORD_PREFIX     0x0e
#define KBOOT_AML_SCOPE_OP         0x10
#define KBOOT_AML_BUFFER_OP        0x11
#define KBOOT_AML_PACKAGE_OP       0x12
#define KBOOT_AML_METHOD_OP        0x14
#define KBOOT_AML_LOCAL0_OP        0x60
#define KBOOT_AML_ARG0_OP          0x68
#define KBOOT_AML_STORE_OP         0x70
#define KBOOT_AML_AND_OP           0x7b
#define KBOOT_AML_OR_OP            0x7d
#define KBOOT_AML_CREATE_DWORD_FIELD_OP 0x8a
#define KBOOT_AML_LLESS_OP         0x95
#define KBOOT_AML_IF_OP            0xa0
#define KBOOT_AML_RETURN_OP        0xa4
#define KBOOT_AML_NULL_NAME        0x00   /* a Target that is not stored */
#define KBOOT_AML_EXT_PREFIX       0x5b
/* ExtOpPrefix opcodes: the byte after KBOOT_AML_EXT_PREFIX. */
#define KBOOT_AML_OP_REGION_OP     0x80
#define KBOOT_AML_FIELD_OP         0x81
#define KBOOT_AML_DEVICE_OP        0x82

/* OperationRegion spaces (section 19.6.100). */
#define KBOOT_AML_REGION_PCI_CONFIG 0x02

/* Append one byte, or @len bytes. */
void kboot_aml_byte (GByteArray *aml, guint8 byte);
void kboot_aml_bytes (GByteArray *aml, const guint8 *bytes, gsize len);

/* An Integer in its shortest encoding: ZeroOp, OneOp, then the Byte, Word,
 * DWord or QWord prefix (what iasl writes for a constant). */
void kboot_aml_int (GByteArray *aml, guint64 value);

/* A NameString: an optional '\' or '^' prefix, then NameSegs separated by
 * dots, each padded to 4 characters with '_' ("ISA" is "ISA_").  @path
 * must be well formed (our own constants: no error path). */
void kboot_aml_name (GByteArray *aml, const char *path);

/* EISAID("PNP0A03"): the compressed 32-bit id as a DWord (section 19.3.4). */
void kboot_aml_eisaid (GByteArray *aml, const char *id);

/* Start an object with a PkgLength: write @op (or ExtOpPrefix @op) and
 * return the offset where its PkgLength goes; kboot_aml_close() inserts
 * the PkgLength there once the object's bytes are written. */
gsize kboot_aml_open (GByteArray *aml, guint8 op);
gsize kboot_aml_open_ext (GByteArray *aml, guint8 ext_op);
void kboot_aml_close (GByteArray *aml, gsize at);

/* Append @value in PkgLength form: how a Field gives a named field's
 * length in bits (kboot_aml_close() does objects' own PkgLengths). */
void kboot_aml_pkg_length (GByteArray *aml, gsize value);

/* Buffer (@len) { @data }: a ResourceTemplate when @data is resource
 * descriptors ending with an End Tag. */
void kboot_aml_buffer (GByteArray *aml, const guint8 *data, gsize len);

G_END_DECLS

#endif /* KBOOT_LOADER_AML_H */
