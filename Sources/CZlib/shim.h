// zlib, the system library Fovea uses to read `.gz` dataset files.
#include <zlib.h>
