// libarchive, as casefile's archive layer sees it. Only Sources/CasefileKit/Archive uses this module.
#include <archive.h>
#include <archive_entry.h>
