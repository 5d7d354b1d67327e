// libxslt, for rendering the evidence bundle as an HTML report. Only Sources/CasefileKit/Bundle
// uses this module.
//
// The ICU switch goes off before any libxml2 header, as in CLibXML2's shim: Debian's libxml2 pulls
// in the system ICU headers, which clash with Foundation's in a clean build.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <stdarg.h>
#include <stdio.h>

#include <libxml/globals.h>
#include <libxml/xmlerror.h>
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/documents.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>
#include <libexslt/exslt.h>

/// Whether a run ended in XSLT_STATE_OK (no error, not stopped). A function rather than the enum
/// in Swift: CXMLSec's headers include libxslt's too, and Swift then finds the constant in
/// neither module.
static inline int cxslt_run_succeeded(xsltTransformContextPtr context) {
  return context != NULL && context->state == XSLT_STATE_OK;
}

// libxslt's error callbacks, and libxml2's generic one, are variadic, which Swift cannot write.
// These functions format each message here and hand it on as one string to a plain C callback
// that Swift can write.

/// Receives one formatted message (a message may come in several pieces, each ending or not in a
/// line feed).
typedef void (*cxslt_message_func)(void *context, const char *message);

/// Where messages go: the callback and its context (an Unmanaged box on the Swift side).
typedef struct cxslt_sink {
  cxslt_message_func receive;
  void *context;
} cxslt_sink;

/// The variadic handler: formats the message (cut at 1 KiB) and passes it to the sink.
static inline void cxslt_sink_handler(void *ctx, const char *format, ...) {
  cxslt_sink *sink = (cxslt_sink *)ctx;
  char message[1024];
  va_list args;
  if (sink == NULL || sink->receive == NULL || format == NULL) return;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  sink->receive(sink->context, message);
}

/// A variadic handler that drops the message.
static inline void cxslt_discard_handler(void *ctx, const char *format, ...) {
  (void)ctx;
  (void)format;
}

/// Sends one transform context's messages (runtime errors, xsl:message, refused reads and
/// writes) to the sink. The sink must outlive the context's use.
static inline void cxslt_set_transform_sink(xsltTransformContextPtr context, cxslt_sink *sink) {
  xsltSetTransformErrorFunc(context, sink, cxslt_sink_handler);
}

/// libxslt's generic handler is one per process (not per thread). It gets the messages of
/// stylesheet compilation and a few run-time ones that bypass the context's handler. Call once:
/// they are dropped instead of going to stderr.
static inline void cxslt_discard_generic_errors(void) {
  xsltSetGenericErrorFunc(NULL, cxslt_discard_handler);
}

/// Passes a libxml2 structured error's message to the sink.
static inline void cxslt_structured_handler(void *ctx, xmlErrorPtr error) {
  cxslt_sink *sink = (cxslt_sink *)ctx;
  if (sink == NULL || sink->receive == NULL || error == NULL || error->message == NULL) return;
  sink->receive(sink->context, error->message);
}

/// This thread's libxml2 error handlers, as they were before cxslt_capture_thread_errors.
typedef struct cxslt_thread_errors {
  xmlGenericErrorFunc generic;
  void *generic_context;
  xmlStructuredErrorFunc structured;
  void *structured_context;
} cxslt_thread_errors;

/// libxml2's generic and structured handlers are per thread. XPath compilation and evaluation
/// inside libxslt report there, and so does the serialiser. Sends this thread's to the sink and
/// returns the handlers it had, for cxslt_restore_thread_errors. Set and restore around one
/// synchronous call.
static inline cxslt_thread_errors cxslt_capture_thread_errors(cxslt_sink *sink) {
  cxslt_thread_errors saved;
  saved.generic = xmlGenericError;
  saved.generic_context = xmlGenericErrorContext;
  saved.structured = xmlStructuredError;
  saved.structured_context = xmlStructuredErrorContext;
  xmlSetGenericErrorFunc(sink, cxslt_sink_handler);
  xmlSetStructuredErrorFunc(sink, cxslt_structured_handler);
  return saved;
}

/// Puts back the handlers that cxslt_capture_thread_errors returned.
static inline void cxslt_restore_thread_errors(cxslt_thread_errors saved) {
  xmlSetGenericErrorFunc(saved.generic_context, saved.generic);
  xmlSetStructuredErrorFunc(saved.structured_context, saved.structured);
}
