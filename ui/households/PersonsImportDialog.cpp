#include "households/PersonsImportDialog.h"
#include "Accessibility.h"
#include "Theme.h"

#include "common/Error.h"
#include "io/Csv.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressDialog>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cabas::ui {

PersonsImportDialog::PersonsImportDialog(const store::Database& db, const Session& session, QWidget* parent)
    : QDialog(parent), m_db(db), m_session(session)
{
    setObjectName(QStringLiteral("personsImportDialog"));
    setWindowTitle(tr("Import persons.csv"));
    resize(900, 600);
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Households, members and cards from a persons.csv file (see the format in the "
                      "documentation). The file is checked first: nothing is written unless it has no "
                      "error, and then all of it is."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* row = new QHBoxLayout();
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("importFileEdit"));
    m_file->setReadOnly(true);
    m_file->setAccessibleName(tr("File to import"));
    auto* browse = new QPushButton(tr("&Choose the file…"), this);
    browse->setObjectName(QStringLiteral("browseButton"));
    row->addWidget(m_file, 1);
    row->addWidget(browse);
    layout->addLayout(row);

    m_preview = new QTableWidget(this);
    m_preview->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_preview->setAccessibleName(tr("Preview"));
    m_preview->setObjectName(QStringLiteral("importPreviewTable"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setAlternatingRowColors(true);
    layout->addWidget(new QLabel(tr("Preview"), this));
    layout->addWidget(m_preview, 3);
    layout->addWidget(new QLabel(tr("Errors"), this));
    m_errors = new QListWidget(this);
    m_errors->setTabKeyNavigation(false); // Tab leaves the list; the arrows move in it
    m_errors->setAccessibleName(tr("Problems found"));
    m_errors->setObjectName(QStringLiteral("importErrorList"));
    layout->addWidget(m_errors, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("importSummaryLabel"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setDefault(true); // Enter imports once the file is checked; Escape closes
    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setEnabled(false);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_import, &QPushButton::clicked, this, &PersonsImportDialog::runImport);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose persons.csv"), QString(),
                                                          tr("CSV files (*.csv);;All files (*)"));
        if (!path.isEmpty())
            setFile(path);
    });
    a11y::connectLabels(this);
}

void PersonsImportDialog::fillPreview(const QString& path)
{
    m_preview->clear();
    m_preview->setRowCount(0);
    m_preview->setColumnCount(0);
    try {
        const io::CsvTable table = io::CsvTable::read(path);
        m_preview->setColumnCount(int(table.header.size()) + 1);
        m_preview->setHorizontalHeaderLabels(QStringList{tr("Line")} + table.header);
        const int rows = std::min<int>(int(table.rows.size()), kPreviewRows);
        m_preview->setRowCount(rows);
        for (int r = 0; r < rows; ++r) {
            const io::CsvRow& row = table.rows[size_t(r)];
            m_preview->setItem(r, 0, new QTableWidgetItem(QString::number(row.line)));
            for (int c = 0; c < row.fields.size(); ++c)
                m_preview->setItem(r, c + 1, new QTableWidgetItem(row.fields.at(c)));
        }
        m_preview->resizeColumnsToContents();
    } catch (const Error&) {
        // The check below reports why the file cannot be read.
    }
}

bool PersonsImportDialog::setFile(const QString& path)
{
    m_path = path;
    m_file->setText(path);
    m_errors->clear();
    m_import->setEnabled(false);
    fillPreview(path);
    try {
        m_report = io::PersonsImport(m_db, m_session).check(path);
    } catch (const Error& e) {
        m_report = {};
        m_report.errors << e.message();
    }
    for (const QString& e : m_report.errors)
        m_errors->addItem(e);
    for (const QString& w : m_report.warnings)
        m_errors->addItem(tr("warning: %1").arg(w));
    if (m_report.ok()) {
        m_summary->setText(tr("No error. Importing will do: %1").arg(m_report.summary()));
        theme::clearTone(m_summary);
    } else {
        m_summary->setText(tr("%n error(s): fix the file and choose it again. Nothing was written.", nullptr,
                              int(m_report.errors.size())));
        theme::setTone(m_summary, theme::Tone::Error);
    }
    m_import->setEnabled(m_report.ok());
    return m_report.ok();
}

bool PersonsImportDialog::runImport()
{
    if (m_path.isEmpty() || !m_report.ok())
        return false;
    QProgressDialog progress(tr("Importing %1…").arg(m_path), QString(), 0, 0, this);
    progress.setObjectName(QStringLiteral("importProgress"));
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    progress.setValue(0);
    QApplication::processEvents();
    try {
        m_report = io::PersonsImport(m_db, m_session).run(m_path);
    } catch (const Error& e) {
        m_errors->clear();
        for (const QString& line : e.message().split(QLatin1Char('\n')))
            m_errors->addItem(line);
        m_summary->setText(tr("Nothing was imported."));
        theme::setTone(m_summary, theme::Tone::Error);
        m_import->setEnabled(false);
        return false;
    }
    progress.close();
    m_summary->setText(tr("Imported. %1").arg(m_report.summary()));
    theme::setTone(m_summary, theme::Tone::Success);
    m_import->setEnabled(false);
    emit imported();
    return true;
}

} // namespace cabas::ui
