#pragma once

#include <QString>
#include <QtGlobal>

namespace cabas {

// Money is integer cents. These helpers only format and parse; they never use floating point.
QString formatCents(qint64 cents, const QString& currency = QStringLiteral("EUR"));
// Parses "40", "40,5", "40,50", "40.50", "-12,30" into cents. Returns false on anything else.
bool parseCents(const QString& text, qint64* cents);

} // namespace cabas
