#pragma once

#include "domain/User.h"

#include <QCoreApplication>
#include <QString>

namespace cabas {

// The kinds of data of privacy.md's "who sees what" table.
enum class DataKind
{
    Households,     // households, members, cards, consents
    Ledger,         // ledger entries and spending
    Health,         // checkups, questionnaires, prevention, support notes
    Workshops,      // workshops and attendance
    Cohort,         // cohort summaries
    Administration, // users, roles, programme settings, backups, the audit trail
};

enum class Action
{
    Read,           // see individual records
    Write,          // create, change, end, withdraw
    ReadAggregates, // see figures over a population (internal cohort figures)
    ExportPublic,   // produce figures for outside the programme (disclosure control applied)
};

QString toCode(DataKind kind);
QString toCode(Action action);
QString displayName(DataKind kind);
QString displayName(Action action);
QList<DataKind> allDataKinds();
QList<Action> allActions();

// The access matrix, one table for every entry point (desktop, CLI, import, export). The core services ask it
// before they touch anything; the desktop only uses it to hide what would be refused anyway.
class AccessPolicy
{
    Q_DECLARE_TR_FUNCTIONS(AccessPolicy)
  public:
    static bool allows(Role role, DataKind kind, Action action);
    // Coordinators read households by code only: no names' addresses (privacy.md).
    static bool seesAddresses(Role role) { return role != Role::Coordinator; }
    // "Accès refusé : ..." for a refused action.
    static QString refusal(Role role, DataKind kind, Action action);
};

} // namespace cabas
