#include "domain/Allowance.h"
#include "domain/Card.h"
#include "domain/Consent.h"
#include "domain/Household.h"
#include "domain/Person.h"

#include <QRegularExpression>
#include <algorithm>

namespace cabas {

QStringList Household::validate() const
{
    QStringList problems;
    static const QRegularExpression codePattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"));
    if (code.trimmed().isEmpty())
        problems << tr("code: the household code is required");
    else if (!codePattern.match(code).hasMatch())
        problems
            << tr("code: \"%1\" is not a valid household code (letters, digits, - and _ only)").arg(code);
    static const QRegularExpression postcodePattern(QStringLiteral("^\\d{5}$"));
    if (!postcode.isEmpty() && !postcodePattern.match(postcode).hasMatch())
        problems << tr("postcode: \"%1\" is not a French postcode (5 digits)").arg(postcode);
    if (status != HouseholdStatus::Candidate && !enrolledOn.isValid())
        problems << tr("enrolled_on: an enrolled, suspended or exited household needs an enrolment date");
    if (status == HouseholdStatus::Exited) {
        if (!exitedOn.isValid())
            problems << tr("exited_on: an exited household needs an exit date");
        if (exitReason.trimmed().isEmpty())
            problems << tr("exit_reason: an exited household needs an exit reason");
    }
    if (exitedOn.isValid() && enrolledOn.isValid() && exitedOn < enrolledOn)
        problems << tr("exited_on: the exit date is before the enrolment date");
    return problems;
}

int Person::ageOn(const QDate& day) const
{
    if (!birthDate.isValid() || !day.isValid())
        return -1;
    int age = day.year() - birthDate.year();
    if (day.month() < birthDate.month() || (day.month() == birthDate.month() && day.day() < birthDate.day()))
        --age;
    return age;
}

bool Person::isMemberOn(const QDate& day) const
{
    if (arrivedOn.isValid() && day < arrivedOn)
        return false;
    if (leftOn.isValid() && day >= leftOn)
        return false;
    return true;
}

bool Person::isAdultOn(const QDate& day, int adultAge) const
{
    if (role == PersonRole::Adult)
        return true;
    const int age = ageOn(day);
    return age >= adultAge;
}

QStringList Person::validate() const
{
    QStringList problems;
    static const QRegularExpression codePattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"));
    if (code.trimmed().isEmpty())
        problems << tr("person_code: the person code is required");
    else if (!codePattern.match(code).hasMatch())
        problems << tr("person_code: \"%1\" is not a valid person code").arg(code);
    if (firstName.trimmed().isEmpty())
        problems << tr("first_name: the first name is required");
    if (lastName.trimmed().isEmpty())
        problems << tr("last_name: the last name is required");
    if (!birthDate.isValid())
        problems << tr("birth_date: the birth date is required");
    else if (birthDate.year() < 1900)
        problems << tr("birth_date: %1 is before 1900").arg(birthDate.toString(Qt::ISODate));
    if (arrivedOn.isValid() && leftOn.isValid() && leftOn < arrivedOn)
        problems << tr("left_on: the departure is before the arrival");
    if (birthDate.isValid() && arrivedOn.isValid() && arrivedOn < birthDate)
        problems << tr("arrived_on: the arrival is before the birth date");
    return problems;
}

QString searchKey(const QString& text)
{
    // ASCII (codes, most names): its decomposition is itself and none of it is a mark, so the same key
    // without normalising (the name index makes hundreds of thousands of keys at login).
    if (std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; })) {
        QString out;
        out.reserve(text.size());
        bool lastSpace = true;
        for (const QChar c : text) {
            const char16_t u = c.unicode();
            // QChar::isSpace() of ASCII: space, tab to carriage return.
            if (u == u' ' || (u >= 0x09 && u <= 0x0d) || u == u'-' || u == u'\'') {
                if (!lastSpace)
                    out += QLatin1Char(' ');
                lastSpace = true;
                continue;
            }
            out += u >= u'A' && u <= u'Z' ? QChar(char16_t(u - u'A' + u'a')) : c;
            lastSpace = false;
        }
        return out.trimmed();
    }
    const QString decomposed = text.normalized(QString::NormalizationForm_KD);
    QString out;
    out.reserve(decomposed.size());
    bool lastSpace = true;
    for (const QChar c : decomposed) {
        const auto category = c.category();
        if (category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining ||
            category == QChar::Mark_Enclosing)
            continue;
        if (c.isSpace() || c == QLatin1Char('-') || c == QLatin1Char('\'') || c == QChar(0x2019)) {
            if (!lastSpace)
                out += QLatin1Char(' ');
            lastSpace = true;
            continue;
        }
        // Letters that do not decompose.
        switch (const QChar lower = c.toLower(); lower.unicode()) {
        case 0x0153:
            out += QLatin1String("oe");
            break;
        case 0x00E6:
            out += QLatin1String("ae");
            break;
        case 0x00DF:
            out += QLatin1String("ss");
            break;
        case 0x0111:
            out += QLatin1Char('d');
            break;
        default:
            out += lower;
        }
        lastSpace = false;
    }
    return out.trimmed();
}

QStringList Card::validate() const
{
    QStringList problems;
    if (token.trimmed().isEmpty())
        problems << tr("card_id: the card id is required");
    else if (token.size() > 64 || token.contains(QLatin1Char(' ')))
        problems << tr("card_id: \"%1\" is not a valid card id").arg(token);
    if (replacesCardId != 0 && replacesCardId == id)
        problems << tr("replaces: a card cannot replace itself");
    return problems;
}

QStringList Consent::validate() const
{
    QStringList problems;
    if (personId == 0)
        problems << tr("person: a consent belongs to a person");
    if (!effectiveOn.isValid())
        problems << tr("effective_on: the consent date is required");
    return problems;
}

} // namespace cabas
