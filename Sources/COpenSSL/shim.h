// OpenSSL's libcrypto, as casefile sees it: only its SHA-256 digest, for hashing whole exports and
// blobs. swift-crypto's SHA-256 runs at about a quarter of OpenSSL's speed on CPUs with the SHA
// extensions, and hashing a multi-gigabyte export is on the import's critical path. OpenSSL is
// already required, as the crypto back end of libxmlsec1. Only Sources/CasefileKit/Support uses it.
#include <openssl/evp.h>
