#include "pipeline/cli/cli.h"

int main(int argc, char** argv) { return textmill::Main(argc, argv); }
