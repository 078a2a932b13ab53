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

QStringList HouseholdConflict::memberFieldNames()
{
    return {QStringLiteral("birth_date"), QStringLiteral("arrived_on"), QStringLiteral("left_on")};
}

QString HouseholdConflict::memberFieldLabel(const QString& field)
{
    if (field == QLatin1String("birth_date"))
        return tr("birth date");
    if (field == QLatin1String("arrived_on"))
        return tr("arrival");
    if (field == QLatin1String("left_on"))
        return tr("departure");
    return field;
}

QString HouseholdConflict::memberFieldValue(const Person& p, const QString& field)
{
    if (field == QLatin1String("birth_date"))
        return p.birthDate.toString(Qt::ISODate);
    if (field == QLatin1String("arrived_on"))
        return p.arrivedOn.toString(Qt::ISODate);
    if (field == QLatin1String("left_on"))
        return p.leftOn.toString(Qt::ISODate);
    return QString();
}

namespace {
QString memberKey(const Person& p, const QString& field)
{
    return QStringLiteral("member:%1:%2").arg(p.code, field);
}

void setMemberField(Person& p, const QString& field, const Person& from)
{
    if (field == QLatin1String("birth_date"))
        p.birthDate = from.birthDate;
    else if (field == QLatin1String("arrived_on"))
        p.arrivedOn = from.arrivedOn;
    else if (field == QLatin1String("left_on"))
        p.leftOn = from.leftOn;
}
} // namespace

void HouseholdConflict::addMembers(const std::vector<MemberEdit>& edits, const std::vector<Person>& theirs)
{
    memberEdits = edits;
    theirMembers = theirs;
    for (std::size_t i = 0; i < edits.size() && i < theirs.size(); ++i) {
        const MemberEdit& e = edits[i];
        if (e.isNew())
            continue;
        for (const QString& field : memberFieldNames()) {
            const QString b = memberFieldValue(e.base, field), t = memberFieldValue(theirs[i], field),
                          m = memberFieldValue(e.mine, field);
            if (t == m)
                continue;
            differences.push_back(
                {memberKey(e.base, field),
                 tr("%1 (%2): %3").arg(e.base.fullName().trimmed(), e.base.code, memberFieldLabel(field)), b,
                 t, m, t != b && m != b});
        }
    }
}

std::vector<MemberEdit> HouseholdConflict::resolvedMembers(const QStringList& keepMine) const
{
    std::vector<MemberEdit> result;
    for (std::size_t i = 0; i < memberEdits.size(); ++i) {
        const MemberEdit& e = memberEdits[i];
        if (e.isNew() || i >= theirMembers.size()) {
            result.push_back(e);
            continue;
        }
        MemberEdit r;
        r.base = theirMembers[i];
        r.mine = theirMembers[i];
        for (const QString& field : memberFieldNames()) {
            const QString key = memberKey(e.base, field);
            const QString b = memberFieldValue(e.base, field), t = memberFieldValue(theirMembers[i], field),
                          m = memberFieldValue(e.mine, field);
            const bool onlyMine = m != b && t == b;
            if (onlyMine || (m != t && keepMine.contains(key)))
                setMemberField(r.mine, field, e.mine);
        }
        r.departureReason = r.recordsDeparture() ? e.departureReason : QString();
        if (!(r.mine == r.base))
            result.push_back(r);
    }
    return result;
}

} // namespace cabas
