#pragma once

#include "domain/Household.h"
#include "security/Session.h"
#include "store/Database.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace cabas::test {

// Values an encrypted database must never show in clear on disk (docs/encryption.md, issue 12), and the
// writer that puts them in through the services. Each is unusual enough not to occur by chance.
struct KnownValues
{
    static const QString firstName; // of the adult
    static const QString lastName;  // of both members
    static const QDate birthDate;   // of the adult
    static const QString childName; // the child's first name
    static const QString address;   // household.address
    static const QString householdNotes;
    static const QString journalNote;  // household_note.body
    static const QString statusReason; // household_status_event.reason
    static const QString consentNote;
    static const QString incomeNote;
    static const QString checkupNote; // checkup.notes (sealed inside the checkup's JSON)
    static const QString correctionReason;
    static const QString supportTopic; // support_session.topic
    static const QString supportNote;

    // Household MMG-0001 with the adult P-00001 and the child P-00002, its journal note, a suspension, a
    // consent and an income assessment, written by `socialWorker` (whose session carries the keys on a keyed
    // database). Returns the household as read back.
    static Household write(const store::Database& db, const Session& socialWorker);
    // The adult's health follow-up: her consent (by `socialWorker`), then by `nurse` a checkup with its
    // notes, corrected with a reason, and an individual support session.
    static void writeHealth(const store::Database& db, const Session& socialWorker, const Session& nurse);

    // The byte strings to look for: every value in UTF-8, parts of the compound ones, the birth date as ISO
    // and French text.
    static QList<QByteArray> secrets();
};

// Which of `needles` occur in the file `path`, each looked for in UTF-8, UTF-16LE and UTF-16BE; names them
// with the encoding. An unreadable or missing file has none.
QStringList occurrencesIn(const QString& path, const QList<QByteArray>& needles);

// The same for every file under `dir`, recursively (hidden files included); each hit says "file: value".
QStringList occurrencesUnder(const QString& dir, const QList<QByteArray>& needles);

} // namespace cabas::test
