#include "AuditTableModel.h"
#include "Theme.h"

#include "common/Clock.h"
#include "domain/User.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace cabas::ui {

AuditTableModel::AuditTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void AuditTableModel::setRecords(std::vector<store::AuditRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

int AuditTableModel::rowOfSeq(qint64 seq) const
{
    for (size_t i = 0; i < m_records.size(); ++i)
        if (m_records[i].seq == seq)
            return static_cast<int>(i);
    return -1;
}

void AuditTableModel::setHighlightedSeq(qint64 seq)
{
    const int before = rowOfSeq(m_highlighted);
    m_highlighted = seq;
    const int after = rowOfSeq(m_highlighted);
    for (const int row : {before, after})
        if (row >= 0)
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1),
                             {Qt::BackgroundRole, Qt::ForegroundRole});
}

QString AuditTableModel::actionText(const QString& code)
{
    static const std::pair<const char*, const char*> known[] = {
        {"create", QT_TR_NOOP("Create")},
        {"update", QT_TR_NOOP("Update")},
        {"read", QT_TR_NOOP("Read")},
        {"write", QT_TR_NOOP("Change")},
        {"read_aggregates", QT_TR_NOOP("See figures")},
        {"export_public", QT_TR_NOOP("Publish figures")},
        {"login", QT_TR_NOOP("Log in")},
        {"logout", QT_TR_NOOP("Log out")},
        {"password", QT_TR_NOOP("Password")},
        {"disable", QT_TR_NOOP("Disable")},
        {"enable", QT_TR_NOOP("Enable")},
        {"consent_given", QT_TR_NOOP("Consent given")},
        {"consent_withdrawn", QT_TR_NOOP("Consent withdrawn")},
        {"import", QT_TR_NOOP("Import")},
        {"export", QT_TR_NOOP("Export")},
        {"recover", QT_TR_NOOP("Recovery key")},
        {"keyring.create", QT_TR_NOOP("Keys created")},
        {"keyring.grant_health", QT_TR_NOOP("Health key granted")},
    };
    for (const auto& [c, text] : known)
        if (code == QLatin1String(c))
            return tr(text);
    return code;
}

QString AuditTableModel::roleText(const QString& code)
{
    Role role;
    if (fromCode(code, &role))
        return displayName(role);
    if (code == QLatin1String("system"))
        return tr("System");
    return code;
}

QString AuditTableModel::outcomeText(const QString& code)
{
    if (code == QLatin1String("ok"))
        return tr("Done");
    if (code == QLatin1String("denied"))
        return tr("Denied");
    if (code == QLatin1String("failed"))
        return tr("Failed");
    return code;
}

int AuditTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_records.size());
}

int AuditTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() < 0 || index.row() >= rowCount() ||
        index.column() < 0 || index.column() >= ColumnCount)
        return QVariant();
    const store::AuditRecord& r = m_records[static_cast<size_t>(index.row())];
    if (role == SeqRole)
        return r.seq;
    if (role == CodeRole) {
        switch (index.column()) {
        case SeqColumn:
            return r.seq;
        case AtColumn:
            return r.at;
        case UserColumn:
            return r.login;
        case RoleColumn:
            return r.role;
        case ActionColumn:
            return r.action;
        case TableColumn:
            return r.table;
        case RecordColumn:
            return r.recordRef;
        case OutcomeColumn:
            return r.outcome;
        case DetailColumn:
            return r.detail;
        default:
            return QVariant();
        }
    }
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case SeqColumn:
            return QString::number(r.seq);
        case AtColumn: {
            const QDateTime local = r.at.toTimeZone(Clock::programmeZone());
            const QString text = QLocale().toString(local.date(), QLocale::ShortFormat) + QLatin1Char(' ') +
                                 local.time().toString(QStringLiteral("HH:mm:ss"));
            return role == Qt::ToolTipRole
                       ? text + QLatin1Char('\n') + r.at.toUTC().toString(Qt::ISODateWithMs)
                       : text;
        }
        case UserColumn:
            return r.login;
        case RoleColumn:
            return roleText(r.role);
        case ActionColumn:
            return role == Qt::ToolTipRole ? r.action : actionText(r.action);
        case TableColumn:
            return r.table;
        case RecordColumn:
            return r.recordRef;
        case OutcomeColumn:
            return role == Qt::ToolTipRole ? r.outcome : outcomeText(r.outcome);
        case DetailColumn:
            return r.detail;
        default:
            return QVariant();
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() == SeqColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::BackgroundRole && m_highlighted != 0 && r.seq == m_highlighted)
        return QBrush(theme::background(theme::Tone::Error));
    if (role == Qt::ForegroundRole) {
        // Colours from the palette's lightness (ui/Theme.h): readable in a light and in a dark theme.
        if (m_highlighted != 0 && r.seq == m_highlighted)
            return QBrush(theme::foreground(theme::Tone::Error));
        if (index.column() == OutcomeColumn && r.outcome == QLatin1String("denied"))
            return QBrush(theme::foreground(theme::Tone::Error));
        if (index.column() == OutcomeColumn && r.outcome == QLatin1String("failed"))
            return QBrush(theme::foreground(theme::Tone::Warning));
    }
    return QVariant();
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("No.");
    case AtColumn:
        return tr("Date and time");
    case UserColumn:
        return tr("User");
    case RoleColumn:
        return tr("Role");
    case ActionColumn:
        return tr("Action");
    case TableColumn:
        return tr("Table");
    case RecordColumn:
        return tr("Record");
    case OutcomeColumn:
        return tr("Outcome");
    case DetailColumn:
        return tr("Detail");
    default:
        return QVariant();
    }
}

} // namespace cabas::ui
