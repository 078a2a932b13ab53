#pragma once

#include <QString>
#include <stdexcept>

namespace cabas {

// The one exception type the core throws. Its message is already translated into the user's language and
// says where the problem is (file, line, field...). Entry points (desktop, CLI) catch it and show message().
class Error : public std::runtime_error
{
  public:
    enum class Kind
    {
        Invalid,      // bad input: a form, a file, an argument
        NotFound,     // the thing named does not exist
        Conflict,     // already exists, or changed by someone else meanwhile
        Storage,      // the database refused or failed
        AccessDenied, // the user's role does not allow it
        Unsupported,  // a newer database, an unknown format
        Cancelled,    // the user cancelled a long job; nothing of it was kept
    };

    explicit Error(const QString& message, Kind kind = Kind::Invalid)
        : std::runtime_error(message.toStdString()), m_message(message), m_kind(kind)
    {
    }

    const QString& message() const noexcept { return m_message; }
    Kind kind() const noexcept { return m_kind; }

  private:
    QString m_message;
    Kind m_kind;
};

} // namespace cabas
