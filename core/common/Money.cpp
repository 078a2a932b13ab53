#include "common/Money.h"

#include <QRegularExpression>

namespace cabas {

QString formatCents(qint64 cents, const QString& currency)
{
    const bool negative = cents < 0;
    const quint64 magnitude = negative ? quint64(-(cents + 1)) + 1 : quint64(cents);
    QString units = QString::number(magnitude / 100);
    // French thousands separator: a narrow no-break space.
    for (int i = units.size() - 3; i > 0; i -= 3)
        units.insert(i, QChar(0x202F));
    const QString fraction = QStringLiteral("%1").arg(magnitude % 100, 2, 10, QLatin1Char('0'));
    const QString symbol = currency == QLatin1String("EUR") ? QStringLiteral("\u20AC") : currency;
    return QStringLiteral("%1%2,%3\u00A0%4")
        .arg(negative ? QStringLiteral("-") : QString(), units, fraction, symbol);
}

bool parseCents(const QString& text, qint64* cents)
{
    static const QRegularExpression pattern(QStringLiteral("^\\s*(-?)(\\d{1,13})(?:[.,](\\d{1,2}))?\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return false;
    qint64 value = match.captured(2).toLongLong() * 100;
    QString fraction = match.captured(3);
    if (fraction.size() == 1)
        fraction += QLatin1Char('0');
    if (!fraction.isEmpty())
        value += fraction.toLongLong();
    if (match.captured(1) == QLatin1String("-"))
        value = -value;
    *cents = value;
    return true;
}

} // namespace cabas
