// cabas-cli commands of this area; see CliSupport.h.
#include "cli/CliSupport.h"

namespace cabas::cli {

std::vector<Command> workshopCommands()
{
    return {};
}

} // namespace cabas::cli
