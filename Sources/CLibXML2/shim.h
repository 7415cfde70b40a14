// libxml2, the system library (Debian: libxml2-dev), for the feed reader's SAX2 parser.
// The same library sits under Foundation's XMLParser; used directly, the reader gets byte
// callbacks (no String per event), recovery from real feeds' errors, and errors in words.
// Debian's libxml2 is built with ICU, and its encoding.h would then include the system's ICU
// headers, which clash with the ICU module Foundation carries. The reader never touches an
// encoding handler's fields (it gives libxml2 UTF-8, transcoded with iconv), so ICU's part of
// that header is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>
