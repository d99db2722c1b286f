"""LibreOffice, headless, turning the .docx and .xlsx files we write into PDF, so that a test
can read them as a person would after opening and printing them.

A test that needs it is skipped, naming the Debian package to install, when LibreOffice is
not installed or lacks the module that opens the file (Writer for .docx, Calc for .xlsx;
Debian ships them as separate packages). A conversion that fails for any other reason
fails the test with LibreOffice's own output.

Starting LibreOffice is most of the cost of a conversion (seconds, more on a busy machine):
convert a test's files in one call, and share the session's profile (`office_profile` in
tests/conftest.py).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# What opens each kind of file: the LibreOffice module, its library beside the soffice
# program (Debian's packages and the Document Foundation's builds alike), its Debian package.
MODULES = {
    ".docx": ("Writer", "libswlo.so", "libreoffice-writer"),
    ".xlsx": ("Calc", "libsclo.so", "libreoffice-calc"),
}


def office_for(suffix):
    """The LibreOffice program that can open `suffix` files, or skip the test saying which
    Debian package is missing."""
    module, library, package = MODULES[suffix]
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip(f"LibreOffice is not installed (apt-get install {package})")
    program = Path(office).resolve().parent
    # Only a layout we recognise (modules' libraries beside soffice) is judged; on another
    # one the conversion itself says what is wrong.
    if any(program.glob("lib*lo.so")) and not (program / library).exists():
        pytest.skip(
            f"LibreOffice {module} is not installed: {office} cannot open {suffix} files "
            f"(apt-get install {package})"
        )
    return office


def convert(directory, files, profile, timeout=300):
    """Write `files` ({name: bytes}) into `directory` and convert them to PDF in one
    LibreOffice run; {name: path of its PDF}."""
    sources = [Path(directory) / name for name in files]
    office = None
    for suffix in sorted({source.suffix for source in sources}):
        office = office_for(suffix)
    for source in sources:
        source.write_bytes(files[source.name])
    command = [
        office,
        f"-env:UserInstallation={Path(profile).as_uri()}",  # not the user's own profile
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(directory),
        *map(str, sources),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as timed_out:
        pytest.fail(
            f"LibreOffice did not finish converting {list(files)} in {timeout} s\n"
            f"{' '.join(command)}\nstderr:\n{timed_out.stderr}",
            pytrace=False,
        )
    pdfs = {source.name: source.with_suffix(".pdf") for source in sources}
    missing = [name for name, pdf in pdfs.items() if not pdf.exists()]
    if done.returncode or missing:
        pytest.fail(
            f"LibreOffice exited with {done.returncode} and made no PDF of {missing}\n"
            f"{' '.join(command)}\nstderr:\n{done.stderr}\nstdout:\n{done.stdout}",
            pytrace=False,
        )
    return pdfs


def texts(directory, files, profile, artifacts):
    """{name: the text of its PDF} of `files` converted in one run (as `convert`); the
    pages are saved as tests/artifacts/<artifacts>-<name>-<page>.png."""
    pdfs = convert(directory, files, profile)
    for pdf in pdfs.values():
        save_pages(pdf, f"{artifacts}-{pdf.stem}")
    return {name: text_of(pdf) for name, pdf in pdfs.items()}


def text_of(pdf):
    """The PDF's text as laid out on its pages (Poppler's pdftotext), or "" without it."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return ""
    return subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def save_pages(pdf, stem):
    """The PDF's pages as PNG images in tests/artifacts, for a person to look at."""
    if pdftoppm := shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        command = [pdftoppm, "-r", "60", "-png", str(pdf), str(ARTIFACTS / stem)]
        subprocess.run(command, check=True, timeout=60)
