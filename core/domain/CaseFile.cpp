#include "domain/CaseFile.h"

namespace cabas {

QStringList HouseholdConflict::fieldNames()
{
    return {QStringLiteral("address"),   QStringLiteral("commune"),     QStringLiteral("postcode"),
            QStringLiteral("referent"),  QStringLiteral("status"),      QStringLiteral("enrolled_on"),
            QStringLiteral("exited_on"), QStringLiteral("exit_reason"), QStringLiteral("notes")};
}

QString HouseholdConflict::fieldLabel(const QString& field)
{
    if (field == QLatin1String("address"))
        return tr("Address");
    if (field == QLatin1String("commune"))
        return tr("Commune");
    if (field == QLatin1String("postcode"))
        return tr("Postcode");
    if (field == QLatin1String("referent"))
        return tr("Referent");
    if (field == QLatin1String("status"))
        return tr("Status");
    if (field == QLatin1String("enrolled_on"))
        return tr("Enrolled on");
    if (field == QLatin1String("exited_on"))
        return tr("Exited on");
    if (field == QLatin1String("exit_reason"))
        return tr("Exit reason");
    if (field == QLatin1String("notes"))
        return tr("Notes");
    return field;
}

QString HouseholdConflict::fieldValue(const Household& h, const QString& field)
{
    if (field == QLatin1String("address"))
        return h.address;
    if (field == QLatin1String("commune"))
        return h.commune;
    if (field == QLatin1String("postcode"))
        return h.postcode;
    if (field == QLatin1String("referent"))
        return h.referentUserId ? QString::number(h.referentUserId) : QString();
    if (field == QLatin1String("status"))
        return toCode(h.status);
    if (field == QLatin1String("enrolled_on"))
        return h.enrolledOn.toString(Qt::ISODate);
    if (field == QLatin1String("exited_on"))
        return h.exitedOn.toString(Qt::ISODate);
    if (field == QLatin1String("exit_reason"))
        return h.exitReason;
    if (field == QLatin1String("notes"))
        return h.notes;
    return QString();
}

namespace {
void setField(Household& h, const QString& field, const Household& from)
{
    if (field == QLatin1String("address"))
        h.address = from.address;
    else if (field == QLatin1String("commune"))
        h.commune = from.commune;
    else if (field == QLatin1String("postcode"))
        h.postcode = from.postcode;
    else if (field == QLatin1String("referent"))
        h.referentUserId = from.referentUserId;
    else if (field == QLatin1String("status"))
        h.status = from.status;
    else if (field == QLatin1String("enrolled_on"))
        h.enrolledOn = from.enrolledOn;
    else if (field == QLatin1String("exited_on"))
        h.exitedOn = from.exitedOn;
    else if (field == QLatin1String("exit_reason"))
        h.exitReason = from.exitReason;
    else if (field == QLatin1String("notes"))
        h.notes = from.notes;
}
} // namespace

HouseholdConflict HouseholdConflict::between(const Household& base, const Household& theirs,
                                             const Household& mine)
{
    HouseholdConflict c;
    c.base = base;
    c.theirs = theirs;
    c.mine = mine;
    for (const QString& field : fieldNames()) {
        const QString b = fieldValue(base, field), t = fieldValue(theirs, field), m = fieldValue(mine, field);
        if (t == m)
            continue;
        c.differences.push_back({field, fieldLabel(field), b, t, m, t != b && m != b});
    }
    return c;
}

Household HouseholdConflict::resolved(const QStringList& keepMine) const
{
    Household h = theirs;
    for (const FieldDifference& d : differences) {
        const bool onlyMine = !d.clash && d.mine != d.base;
        if (onlyMine || keepMine.contains(d.field))
            setField(h, d.field, mine);
    }
    return h;
}

} // namespace cabas
