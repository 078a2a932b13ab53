#pragma once

#include <QByteArray>
#include <QString>
#include <ostream>

// Lets Catch2 print QStrings in failure messages.
std::ostream& operator<<(std::ostream& os, const QString& s);

namespace cabas::test {

QByteArray fileHash(const QString& path); // SHA-256 of the file's bytes, empty if unreadable
void writeFile(const QString& path, const QByteArray& bytes);

} // namespace cabas::test
