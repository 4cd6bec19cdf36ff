"""Who runs the site: the marks a government website must carry, from the plugin's `publisher` setting.

政府网站发展指引 (国办发〔2017〕47号) asks every government site to show, at the foot of
each page, its sponsor and operator, how to reach them, its 网站标识码, its ICP and
public-security filing numbers and the 党政机关网站标识. Each is optional here: a
county sets what it has in mkdocs.yml (checked by generator/publish/settings.py), and
nothing is fetched from another host (the mark is an image in docs/).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

SETTING = "publisher"
#: How each kind of image a browser shows begins: the mark is judged by its bytes, as the
#: browser will judge it, since a text file named .png shows as a broken image.
IMAGE_SIGNATURES = {
    "PNG": re.compile(rb"\x89PNG\r\n\x1a\n"),
    "JPEG": re.compile(rb"\xff\xd8\xff"),
    "GIF": re.compile(rb"GIF8[79]a"),
    "WebP": re.compile(rb"RIFF....WEBP", re.DOTALL),
    "SVG": re.compile(rb"(\xef\xbb\xbf)?\s*(<svg[\s>]|<\?xml.*?<svg[\s>])", re.DOTALL),
}
#: An SVG's `<svg` comes after its XML declaration, comments and doctype, within its first bytes.
SIGNATURE_BYTES = 64 * 1024


def _setting(label: str, kind: str = "text") -> dataclasses.Field:
    return dataclasses.field(default=None, metadata={"label": label, "kind": kind})


@dataclass(frozen=True)
class Publisher:
    """The site's publisher as mkdocs.yml declares it; every field optional."""

    sponsor: str | None = _setting("主办单位")
    operator: str | None = _setting("承办单位")
    phone: str | None = _setting("联系电话")
    email: str | None = _setting("电子邮箱")
    address: str | None = _setting("联系地址")
    site_code: str | None = _setting("网站标识码")
    icp: str | None = _setting("ICP备案号")
    icp_url: str | None = _setting("ICP备案号的链接", "url")  # the 备案 site's address, e.g. https://beian.miit.gov.cn/
    police: str | None = _setting("公安机关备案号")
    police_url: str | None = _setting("公安机关备案号的链接", "url")
    mark: str | None = _setting("党政机关网站标识", "image")  # a path under docs/, e.g. images/dzjg.png
    mark_url: str | None = _setting("党政机关网站标识的链接", "url")

    @property
    def contact(self) -> list[tuple[str, str]]:
        """(label, value) of each way to reach the publisher that is set."""
        return [(label_of(key), value) for key in ("phone", "email", "address") if (value := getattr(self, key))]

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, field.name) for field in dataclasses.fields(self))


def label_of(key: str) -> str:
    return next(field.metadata["label"] for field in dataclasses.fields(Publisher) if field.name == key)


def mark_problem(path: str, docs_dir: Path) -> str | None:
    """What keeps the mark from being an image the site itself serves, a file under docs/ whose bytes are an image."""
    name, label = f"{SETTING}.mark", label_of("mark")
    file = (docs_dir / path).resolve()
    folder = docs_dir.name
    if not file.is_relative_to(docs_dir.resolve()):
        return f"{name}（{label}）应为 {folder}/ 下的图片文件，网站才会带上它：{path}"
    if not file.is_file():
        return f"{name}（{label}）：{folder}/{path} 不存在（图片应放在 {folder}/ 下）"
    with file.open("rb") as image:
        head = image.read(SIGNATURE_BYTES)
    if not any(signature.match(head) for signature in IMAGE_SIGNATURES.values()):
        kinds = "、".join(IMAGE_SIGNATURES)
        return f"{name}（{label}）：{folder}/{path} 不是图片（按文件内容应为 {kinds} 图片，不看扩展名）"
    return None
