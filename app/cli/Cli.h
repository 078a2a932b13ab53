#pragma once

#include <QProcessEnvironment>
#include <QStringList>
#include <QTextStream>

namespace cabas::cli {

// Exit codes of cabas-cli.
enum ExitCode
{
    Success = 0,
    Failure = 1,    // the command could not be done; the reason is on stderr
    UsageError = 2, // the command line is wrong
};

// Runs `cabas-cli ARGS...` (arguments without the program name) and returns the exit code. Output goes to
// `out`, messages to `err`; `env` supplies CABAS_DB and the PostgreSQL variables.
int run(const QStringList& arguments, QTextStream& out, QTextStream& err,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

} // namespace cabas::cli
