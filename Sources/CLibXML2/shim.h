// libxml2, as casefile's XML layer sees it. Only Sources/CasefileKit/XML uses this module.
//
// Debian builds libxml2 with ICU, whose headers clash with Foundation's own ICU in any Swift
// module that imports both: a clean build then fails while an incremental one passes. Turning the
// ICU switch off before any other libxml2 header avoids that. Never touch xmlCharEncodingHandler
// from Swift afterwards: its layout differs from the library's.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/// xmlFree is a global function pointer, which Swift 6 refuses to call directly.
static inline void cxml_free(void *p) { xmlFree(p); }
