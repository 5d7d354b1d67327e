// libxslt, for rendering the evidence bundle as an HTML report. Only Sources/CasefileKit/Bundle
// uses this module.
//
// The ICU switch goes off before any libxml2 header, as in CLibXML2's shim: Debian's libxml2 pulls
// in the system ICU headers, which clash with Foundation's in a clean build.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>
