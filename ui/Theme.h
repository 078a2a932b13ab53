#pragma once

#include <QColor>
#include <QIcon>
#include <QPalette>
#include <QString>

class QLabel;

class QChart;
class QWidget;

namespace cabas::ui {

// Colours that stay readable in a light and in a dark palette (docs/accessibility.md).
//
// The app follows the system's style and palette. The few colours Cabas adds (error messages, warnings,
// confirmations, the selected section, the dashboard tiles) are never written as fixed values: they are a
// Tone, turned into a colour from the palette's lightness (a dark red on a light window, a light red on a
// dark one), so that text keeps a WCAG contrast of at least 4.5:1 against its background. Widgets given a
// tone with setTone() are recoloured when the application's palette changes (the system switching to dark,
// for one).
namespace theme {

enum class Tone
{
    Error,   // refusals, problems of a field
    Warning, // something to look at: a backup to make, a possible duplicate, a masked list
    Success, // done: saved, verified
    Muted,   // secondary text (an item that cannot be used, a past date)
};

// How a tone is shown: the text only, a box (background, border, padding) around the text, or a compact badge
// (a box with little padding and round ends, for the status bar and headings).
enum class Shape
{
    Text,
    Box,
    Badge,
};

// Whether `palette` is dark (its window is darker than its text).
bool isDark(const QPalette& palette);
// The application's palette.
QPalette currentPalette();

// The colour of text in `tone` on the palette's window (Shape::Text) or in its box (Shape::Box).
QColor foreground(Tone tone, const QPalette& palette = currentPalette());
// The background and border of a box in `tone`.
QColor background(Tone tone, const QPalette& palette = currentPalette());
QColor border(Tone tone, const QPalette& palette = currentPalette());

// The background and text of the selected section in the main window's list, and of the dashboard's tiles.
QColor accentBackground(const QPalette& palette = currentPalette());
QColor accentForeground(const QPalette& palette = currentPalette());
QColor tileBackground(const QPalette& palette = currentPalette());
QColor tileBorder(const QPalette& palette = currentPalette());

// The style sheet giving `widget` the tone (selector: the widget's object name when it has one).
QString styleSheet(const QWidget* widget, Tone tone, Shape shape, const QPalette& palette = currentPalette());
// Gives `widget` the tone now and again whenever the application's palette changes.
void setTone(QWidget* widget, Tone tone, Shape shape = Shape::Text);
// A form's error message: a hidden, word-wrapped, selectable label in the error tone, boxed (setText() then
// show() it).
QLabel* errorBox(QWidget* parent, const QString& objectName);
// Removes a tone given by setTone() (the widget's style sheet is cleared).
void clearTone(QWidget* widget);
// "<span style='color:…'>text</span>" for rich text in `tone` (the text is not escaped).
QString span(const QString& text, Tone tone);

// The chart's background, title, legend and axes in the palette's colours (the series keep theirs); only on a
// dark palette, where Qt Charts' light theme would be a white box.
void adaptChart(QChart* chart, const QPalette& palette = currentPalette());

// Cabas' icon: the SVG drawing and, for a system without Qt's svg plugin, the same at fixed sizes.
QIcon applicationIcon();

// WCAG 2 relative luminance and contrast ratio (1 to 21).
double relativeLuminance(const QColor& colour);
double contrastRatio(const QColor& a, const QColor& b);

// A dark palette for the Fusion style (what `cabas --dark` and CABAS_THEME=dark use).
QPalette darkPalette();
// Applies the theme the user asked for: "dark" (Fusion style, darkPalette()), "light" (Fusion style, its
// standard palette) or "" / "system" (nothing changes: the system's style). False for an unknown name.
bool applyTheme(const QString& name);

} // namespace theme
} // namespace cabas::ui
