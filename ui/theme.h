#pragma once

#include <QString>

namespace raceway {

// The window's colours: the desktop's own (System), or Raceway's light or dark palette on the Fusion
// style. The timeline follows the window's palette, so its dark colours come with the dark theme.
enum class Theme { System, Light, Dark };

QString themeName(Theme theme);           // "system", "light", "dark": the value remembered in the settings
Theme themeFromName(const QString &name); // unknown names: System
// Applies the theme to the whole application. The desktop's style and palette are kept the first time
// so that System can go back to them.
void applyTheme(Theme theme);
Theme currentTheme();

} // namespace raceway
