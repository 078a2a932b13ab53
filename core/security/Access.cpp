#include "security/Access.h"

#include <array>

namespace cabas {

namespace {
// One row per data kind; for each role the actions it may take. Mirrors privacy.md:
// | data                    | social_worker | nurse            | coordinator            | admin    |
// | households ...          | read/write    | read             | read (codes only)      | read     |
// | ledger                  | read          | read             | aggregates only        | read     |
//   (administrators also write the ledger's settings: sync, imports, the merchant list and its approvals)
// | health                  | no            | read/write       | aggregates only        | no       |
// | workshops               | read/write    | read/write       | read/write             | read     |
// | cohort summaries        | internal      | internal         | internal and public    | internal |
// | users, settings, audit  | no            | no               | no                     | yes      |
// Whoever reads individual records may also see aggregates of them.
struct Rule
{
    DataKind kind;
    Role role;
    std::vector<Action> actions;
};

bool lookUp(Role role, DataKind kind, Action action)
{
    using enum Action;
    static const std::vector<Rule> rules = {
        {DataKind::Households, Role::SocialWorker, {Read, Write, ReadAggregates}},
        {DataKind::Households, Role::Nurse, {Read, ReadAggregates}},
        {DataKind::Households, Role::Coordinator, {Read, ReadAggregates}},
        {DataKind::Households, Role::Admin, {Read, ReadAggregates}},
        {DataKind::Ledger, Role::SocialWorker, {Read, ReadAggregates}},
        {DataKind::Ledger, Role::Nurse, {Read, ReadAggregates}},
        {DataKind::Ledger, Role::Coordinator, {ReadAggregates}},
        {DataKind::Ledger, Role::Admin, {Read, Write, ReadAggregates}},
        {DataKind::Health, Role::Nurse, {Read, Write, ReadAggregates}},
        {DataKind::Health, Role::Coordinator, {ReadAggregates}},
        {DataKind::Workshops, Role::SocialWorker, {Read, Write, ReadAggregates}},
        {DataKind::Workshops, Role::Nurse, {Read, Write, ReadAggregates}},
        {DataKind::Workshops, Role::Coordinator, {Read, Write, ReadAggregates}},
        {DataKind::Workshops, Role::Admin, {Read, ReadAggregates}},
        {DataKind::Cohort, Role::SocialWorker, {ReadAggregates}},
        {DataKind::Cohort, Role::Nurse, {ReadAggregates}},
        {DataKind::Cohort, Role::Coordinator, {ReadAggregates, ExportPublic}},
        {DataKind::Cohort, Role::Admin, {ReadAggregates}},
        {DataKind::Administration, Role::Admin, {Read, Write, ReadAggregates}},
    };
    for (const Rule& r : rules)
        if (r.kind == kind && r.role == role)
            return std::find(r.actions.begin(), r.actions.end(), action) != r.actions.end();
    return false;
}
} // namespace

QList<DataKind> allDataKinds()
{
    return {DataKind::Households, DataKind::Ledger, DataKind::Health,
            DataKind::Workshops,  DataKind::Cohort, DataKind::Administration};
}

QList<Action> allActions()
{
    return {Action::Read, Action::Write, Action::ReadAggregates, Action::ExportPublic};
}

QString toCode(DataKind kind)
{
    switch (kind) {
    case DataKind::Households:
        return QStringLiteral("households");
    case DataKind::Ledger:
        return QStringLiteral("ledger");
    case DataKind::Health:
        return QStringLiteral("health");
    case DataKind::Workshops:
        return QStringLiteral("workshops");
    case DataKind::Cohort:
        return QStringLiteral("cohort");
    case DataKind::Administration:
        return QStringLiteral("administration");
    }
    return QString();
}

QString toCode(Action action)
{
    switch (action) {
    case Action::Read:
        return QStringLiteral("read");
    case Action::Write:
        return QStringLiteral("write");
    case Action::ReadAggregates:
        return QStringLiteral("read_aggregates");
    case Action::ExportPublic:
        return QStringLiteral("export_public");
    }
    return QString();
}

QString displayName(DataKind kind)
{
    switch (kind) {
    case DataKind::Households:
        return AccessPolicy::tr("households, members, cards and consents");
    case DataKind::Ledger:
        return AccessPolicy::tr("card ledger and spending");
    case DataKind::Health:
        return AccessPolicy::tr("health follow-up");
    case DataKind::Workshops:
        return AccessPolicy::tr("workshops and attendance");
    case DataKind::Cohort:
        return AccessPolicy::tr("cohort figures");
    case DataKind::Administration:
        return AccessPolicy::tr("users, settings and audit trail");
    }
    return QString();
}

QString displayName(Action action)
{
    switch (action) {
    case Action::Read:
        return AccessPolicy::tr("read");
    case Action::Write:
        return AccessPolicy::tr("change");
    case Action::ReadAggregates:
        return AccessPolicy::tr("see figures on");
    case Action::ExportPublic:
        return AccessPolicy::tr("publish figures on");
    }
    return QString();
}

bool AccessPolicy::allows(Role role, DataKind kind, Action action)
{
    return lookUp(role, kind, action);
}

QString AccessPolicy::refusal(Role role, DataKind kind, Action action)
{
    return tr("Access denied: a %1 may not %2 the %3.")
        .arg(displayName(role).toLower(), displayName(action), displayName(kind));
}

} // namespace cabas
