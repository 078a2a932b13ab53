#include "support/KnownValues.h"

#include "services/HealthService.h"
#include "services/HouseholdService.h"
#include "store/HouseholdRepository.h"
#include "store/IncomeRepository.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace cabas::test {

const QString KnownValues::firstName = QStringLiteral("Hélène");
const QString KnownValues::lastName = QStringLiteral("Lefèvre-Ostrowska");
const QDate KnownValues::birthDate(1983, 7, 19);
const QString KnownValues::childName = QStringLiteral("Zoélie");
const QString KnownValues::address = QStringLiteral("12 impasse des Glycines");
const QString KnownValues::householdNotes = QStringLiteral("Chien méchant au portail");
const QString KnownValues::journalNote = QStringLiteral("Rendez-vous CAF confidentiel");
const QString KnownValues::statusReason = QStringLiteral("Hospitalisation prolongée");
const QString KnownValues::consentNote = QStringLiteral("Signature de la tutrice");
const QString KnownValues::incomeNote = QStringLiteral("Pension alimentaire non versée");
const QString KnownValues::checkupNote = QStringLiteral("Hypertension artérielle suivie en cardiologie");
const QString KnownValues::correctionReason = QStringLiteral("Balance du cabinet mal tarée");
const QString KnownValues::supportTopic = QStringLiteral("Sevrage tabagique");
const QString KnownValues::supportNote = QStringLiteral("Rechute après le décès du conjoint");

Household KnownValues::write(const store::Database& db, const Session& socialWorker)
{
    const HouseholdService s(db, socialWorker);
    Household h;
    h.code = QStringLiteral("MMG-0001");
    h.commune = QStringLiteral("Auch");
    h.postcode = QStringLiteral("32000");
    h.address = address;
    h.notes = householdNotes;
    h.status = HouseholdStatus::Enrolled;
    h.enrolledOn = QDate(2025, 1, 6);
    s.create(h);
    Person adult;
    adult.householdId = h.id;
    adult.code = QStringLiteral("P-00001");
    adult.firstName = firstName;
    adult.lastName = lastName;
    adult.birthDate = birthDate;
    s.addPerson(adult);
    Person child;
    child.householdId = h.id;
    child.code = QStringLiteral("P-00002");
    child.firstName = childName;
    child.lastName = lastName;
    child.birthDate = QDate(2016, 2, 29);
    child.role = PersonRole::Child;
    s.addPerson(child);
    s.addNote(h.code, journalNote);
    s.changeStatus(h, HouseholdStatus::Suspended, QDate(2025, 2, 3), statusReason);
    Consent c;
    c.personId = adult.id;
    c.purpose = ConsentPurpose::CaseManagement;
    c.given = true;
    c.effectiveOn = QDate(2025, 1, 6);
    c.note = consentNote;
    s.recordConsent(c);
    IncomeAssessment a;
    a.householdId = h.id;
    a.effectiveOn = QDate(2025, 1, 6);
    a.monthlyIncomeCents = 98000;
    a.consumptionUnitsMilli = 1800;
    a.note = incomeNote;
    {
        store::Database::Transaction tx(db);
        store::IncomeRepository(db, socialWorker.keys.get()).insert(a);
        tx.commit();
    }
    return *s.find(h.code);
}

void KnownValues::writeHealth(const store::Database& db, const Session& socialWorker, const Session& nurse)
{
    const HouseholdService households(db, socialWorker);
    const auto adult =
        store::PersonRepository(db, socialWorker.keys.get()).findByCode(QStringLiteral("P-00001"));
    Consent c;
    c.personId = adult->id;
    c.purpose = ConsentPurpose::HealthFollowup;
    c.given = true;
    c.effectiveOn = QDate(2025, 1, 6);
    households.recordConsent(c);
    const HealthService health(db, nurse);
    Checkup checkup;
    checkup.wave = QStringLiteral("M0");
    checkup.takenOn = QDate(2025, 1, 8);
    checkup.weightG = 83700;
    checkup.heightMm = 1720;
    checkup.systolicMmHg = 151;
    checkup.diastolicMmHg = 97;
    checkup.glucoseMgDl = 143;
    checkup.notes = checkupNote;
    health.recordCheckup(QStringLiteral("P-00001"), checkup);
    checkup.weightG = 84100;
    health.correctCheckup(QStringLiteral("P-00001"), checkup, correctionReason);
    SupportSession session;
    session.heldOn = QDate(2025, 1, 8);
    session.topic = supportTopic;
    session.notes = supportNote;
    health.recordSupportSession(QStringLiteral("P-00001"), session);
}

QList<QByteArray> KnownValues::secrets()
{
    return {firstName.toUtf8(),
            lastName.toUtf8(),
            QByteArray("Ostrowska"),
            QByteArray("ostrowska"),
            QByteArray("OSTROWSKA"),
            childName.toUtf8(),
            birthDate.toString(Qt::ISODate).toUtf8(),
            birthDate.toString(QStringLiteral("dd/MM/yyyy")).toUtf8(),
            address.toUtf8(),
            QByteArray("Glycines"),
            householdNotes.toUtf8(),
            journalNote.toUtf8(),
            statusReason.toUtf8(),
            consentNote.toUtf8(),
            incomeNote.toUtf8(),
            checkupNote.toUtf8(),
            QByteArray("cardiologie"),
            correctionReason.toUtf8(),
            supportTopic.toUtf8(),
            supportNote.toUtf8()};
}

QStringList occurrencesIn(const QString& path, const QList<QByteArray>& needles)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = in.readAll();
    QStringList found;
    for (const QByteArray& needle : needles) {
        const QString text = QString::fromUtf8(needle);
        QByteArray le, be;
        for (const QChar c : text) {
            const char16_t u = c.unicode();
            le.append(char(u & 0xff)).append(char(u >> 8));
            be.append(char(u >> 8)).append(char(u & 0xff));
        }
        if (bytes.contains(needle))
            found << text + QStringLiteral(" (UTF-8)");
        if (bytes.contains(le))
            found << text + QStringLiteral(" (UTF-16LE)");
        if (bytes.contains(be))
            found << text + QStringLiteral(" (UTF-16BE)");
    }
    return found;
}

QStringList occurrencesUnder(const QString& dir, const QList<QByteArray>& needles)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        for (const QString& hit : occurrencesIn(file, needles))
            found << QFileInfo(file).fileName() + QStringLiteral(": ") + hit;
    }
    return found;
}

} // namespace cabas::test
