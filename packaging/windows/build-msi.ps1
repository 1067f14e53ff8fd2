# Builds the Windows .msi on Windows (not run by CI here, which is Linux):
#   .\mvnw.cmd -pl packaging -am package -DskipTests -Dinstaller.skip   # the jars, in packaging\target\installer-input
#   powershell -File packaging\windows\build-msi.ps1 -Version 0.1.0 -WintunDll C:\path\wintun.dll
# Needs a JDK 25 (JAVA_HOME) and the WiX Toolset on the PATH (jpackage's requirement for .msi).
# wintun.dll (the signed driver, from the WireGuard project's wintun release for amd64) is shipped
# beside the app: the IP tunnel loads it from there (native/.../WintunTun.java).
param(
  [Parameter(Mandatory = $true)][string]$Version,
  [Parameter(Mandatory = $true)][string]$WintunDll
)
$ErrorActionPreference = "Stop"
$root = Resolve-Path "$PSScriptRoot\..\.."
$input = "$root\packaging\target\installer-input"
$work = "$root\packaging\target\windows"
$jdk = $env:JAVA_HOME
if (-not (Test-Path "$jdk\bin\jpackage.exe")) { throw "set JAVA_HOME to a JDK 25" }
if (-not (Test-Path $WintunDll)) { throw "wintun.dll not found at $WintunDll" }
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
New-Item -ItemType Directory "$work\app" | Out-Null
Copy-Item "$input\*.jar" "$work\app\"
New-Item -ItemType Directory "$work\content" | Out-Null
Copy-Item $WintunDll "$work\content\wintun.dll"

$modules = & "$jdk\bin\jdeps.exe" --print-module-deps --ignore-missing-deps --multi-release 25 -q `
  --class-path "$work\app\*" "$work\app\mysterium-app.jar" "$work\app\mysterium-cli.jar"
$extra = (Get-Content "$root\packaging\runtime-modules" | Where-Object { $_ -notmatch '^#' }) -join ","
$modules = "$modules,$extra"
& "$jdk\bin\jlink.exe" --add-modules $modules --include-locales=en,de,es,ru,zh,fa `
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$work\runtime"

# wintun creates its adapter only for an administrator: for the IP tunnel, start the app as
# administrator (asking for elevation from the app itself is not built yet); SOCKS5 needs nothing.
& "$jdk\bin\jpackage.exe" --type msi --dest "$root\packaging\target\installer" `
  --name Mysterium --app-version $Version --vendor "Mysterium open-source contributors" `
  --license-file "$root\LICENSE" --icon "$root\packaging\icons\mysterium.ico" `
  --input "$work\app" --main-jar mysterium-app.jar --main-class network.mysterium.app.AppMain `
  --java-options "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" `
  --add-launcher "mysterium=$root\packaging\windows\mysterium-cli.properties" `
  --app-content "$work\content\wintun.dll" `
  --runtime-image "$work\runtime" --win-menu --win-shortcut --win-dir-chooser `
  --win-upgrade-uuid 6f1e6c9a-3d0b-4b7e-9a55-5b2f1f6b7c11
