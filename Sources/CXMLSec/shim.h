// libxmlsec1 with its OpenSSL back end, for the bundle's XML-DSig signature. Only
// Sources/CasefileKit/Bundle uses this module.
//
// The ICU switch goes off before any libxml2 header (see CLibXML2's shim).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

// SwiftPM drops the -D flags that pkg-config gives for xmlsec1-openssl; without them crypto.h
// stops with "No crypto library defined". XMLSEC_NO_SIZE_T is an ABI matter: in Debian's build,
// xmlSecSize is an unsigned int.
#define XMLSEC_CRYPTO_OPENSSL 1
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#define XMLSEC_NO_SIZE_T 1
#define XMLSEC_NO_GOST 1
#define XMLSEC_NO_GOST2012 1
#define XMLSEC_OPENSSL3_ENGINES 1
#define __XMLSEC_FUNCTION__ __func__

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/transforms.h>
#include <xmlsec/errors.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/symbols.h>
