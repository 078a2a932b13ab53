#pragma once

#include "common/Error.h"

#include <QByteArray>
#include <QString>
#include <optional>
#include <ostream>

// Lets Catch2 print QStrings in failure messages.
std::ostream& operator<<(std::ostream& os, const QString& s);

namespace cabas::test {

QByteArray fileHash(const QString& path); // SHA-256 of the file's bytes, empty if unreadable
void writeFile(const QString& path, const QByteArray& bytes);

// The kind of cabas::Error `f` throws (its message into `message`, when given), or none when it throws
// nothing.
template <typename F> std::optional<Error::Kind> errorKind(F&& f, QString* message = nullptr)
{
    try {
        f();
    } catch (const Error& e) {
        if (message)
            *message = e.message();
        return e.kind();
    }
    return std::nullopt;
}

} // namespace cabas::test
