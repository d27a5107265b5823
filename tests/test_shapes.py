"""Error codes in any repeated shape (issue 22): lists with code spans, key/value records,
code blocks, ragged tables, header words that lie, letter codes, and what must stay out
(parameter lists, changelogs, enum values, tables of contents, references). The synthetic
pages in ``fixtures/pages/shapes/`` hold every shape in five languages, around lookalikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scraper import extract, page
from scraper.extract import extract_page
from scraper.model import Row

from .conftest import PAGES

SHAPES = PAGES / "shapes"

# Per language: the page's words and its 35 messages (m), in the order of the page.
WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Error codes",
        "intro": "Every error reply carries one of the codes below.",
        "contents": "Contents",
        "params": "Request parameters",
        "p_inst": "Instrument ID",
        "p_type": "Order type",
        "p_size": "Quantity to buy or sell",
        "changelog": "Changelog",
        "c_added": "Added the order endpoints",
        "c_fixed": "Fixed a typo in the account section",
        "c_release": "First release",
        "enum": "Order status enum",
        "states": "Order states",
        "e_pending": "Waiting to be matched",
        "e_partial": "Partially matched",
        "e_filled": "Fully matched",
        "e_canceled": "Canceled by the user",
        "code": "Code",
        "message": "Message",
        "description": "Description",
        "http": "HTTP status",
        "param": "Field",
        "errcode": "Error Code",
        "auth": "Authentication",
        "trade": "Trading",
        "account": "Account",
        "orders": "Order errors",
        "name0": "ORDER NOT FOUND",
        "name1": "INSUFFICIENT BALANCE",
        "assets": "Asset errors",
        "market": "Market data errors",
        "system": "System errors",
        "reply_lead": "An error reply looks like this:",
        "funding": "Funding errors",
        "subaccount": "Sub-account errors",
        "letters": "Trading errors by name",
        "see": "See also",
        "m": [
            "Signature invalid.",
            "Timestamp expired.",
            "API key does not exist.",
            "Amount too small",
            "Price out of range",
            "Order not found",
            "Order already canceled",
            "Order cannot be amended",
            "order not found",
            "insufficient balance",
            "Amount too small",
            "The order amount is below the minimum.",
            "Too many requests",
            "Slow down and retry later.",
            "Service unavailable",
            "Request timed out",
            "System error",
            "System busy, please try again later",
            "Withdrawal amount exceeds the limit",
            "Withdrawal address invalid",
            "Deposits are not supported for this currency",
            "Deposit address invalid",
            "Transfer failed",
            "Transfer amount invalid",
            "Sub-account does not exist",
            "Sub-account is frozen",
            "Invalid symbol",
            "Price too high",
            "Invalid amount",
            "Order rejected",
            "Account blocked",
            "Order quantity below the minimum of {{.min}}",
            "Unknown error",
            "Position not found",
            "Position already closed",
        ],
    },
    "zh": {
        "title": "错误码",
        "intro": "每个错误回复都带有下面的一个错误码。",
        "contents": "目录",
        "params": "请求参数",
        "p_inst": "产品ID",
        "p_type": "订单类型",
        "p_size": "委托数量",
        "changelog": "更新日志",
        "c_added": "新增下单接口",
        "c_fixed": "修正账户部分的笔误",
        "c_release": "首次发布",
        "enum": "订单状态枚举",
        "states": "订单状态",
        "e_pending": "等待成交",
        "e_partial": "部分成交",
        "e_filled": "完全成交",
        "e_canceled": "用户撤单",
        "code": "错误码",
        "message": "错误信息",
        "description": "描述",
        "http": "HTTP 状态码",
        "param": "参数",
        "errcode": "错误码",
        "auth": "鉴权",
        "trade": "交易",
        "account": "账户",
        "orders": "订单错误",
        "name0": "订单不存在",
        "name1": "余额不足",
        "assets": "资产错误",
        "market": "行情错误",
        "system": "系统错误",
        "reply_lead": "错误回复如下：",
        "funding": "资金错误",
        "subaccount": "子账户错误",
        "letters": "按名称的交易错误",
        "see": "另请参阅",
        "m": [
            "签名无效",
            "时间戳已过期",
            "API 密钥不存在",
            "数量过小",
            "价格超出范围",
            "订单不存在",
            "订单已撤销",
            "订单无法修改",
            "订单不存在",
            "余额不足",
            "数量过小",
            "订单金额低于最小值",
            "请求过于频繁",
            "请稍后重试",
            "服务不可用",
            "请求超时",
            "系统错误",
            "系统繁忙，请稍后重试",
            "提币数量超过限额",
            "提币地址无效",
            "该币种不支持充值",
            "充值地址无效",
            "划转失败",
            "划转数量无效",
            "子账户不存在",
            "子账户已冻结",
            "交易对无效",
            "价格过高",
            "金额无效",
            "订单被拒绝",
            "账户已冻结",
            "订单数量低于最小值 {{.min}}",
            "未知错误",
            "仓位不存在",
            "仓位已平仓",
        ],
    },
    "ja": {
        "title": "エラーコード",
        "intro": "エラーの応答には次のいずれかのコードが含まれます。",
        "contents": "目次",
        "params": "リクエストパラメータ",
        "p_inst": "銘柄ID",
        "p_type": "注文タイプ",
        "p_size": "数量",
        "changelog": "変更履歴",
        "c_added": "注文エンドポイントを追加",
        "c_fixed": "口座セクションの誤字を修正",
        "c_release": "初回リリース",
        "enum": "注文ステータス列挙",
        "states": "注文ステータス",
        "e_pending": "約定待ち",
        "e_partial": "一部約定",
        "e_filled": "全部約定",
        "e_canceled": "ユーザーによる取消",
        "code": "エラーコード",
        "message": "メッセージ",
        "description": "説明",
        "http": "HTTP ステータス",
        "param": "パラメータ",
        "errcode": "エラーコード",
        "auth": "認証",
        "trade": "取引",
        "account": "口座",
        "orders": "注文エラー",
        "name0": "注文が見つかりません",
        "name1": "残高不足",
        "assets": "資産エラー",
        "market": "相場エラー",
        "system": "システムエラー",
        "reply_lead": "エラーの応答は次のとおりです：",
        "funding": "資金エラー",
        "subaccount": "サブアカウントエラー",
        "letters": "名前によるエラー",
        "see": "関連項目",
        "m": [
            "署名が無効です",
            "タイムスタンプの有効期限が切れています",
            "API キーが存在しません",
            "数量が小さすぎます",
            "価格が範囲外です",
            "注文が見つかりません",
            "注文はすでに取り消されています",
            "注文は変更できません",
            "注文が見つかりません",
            "残高不足",
            "数量が小さすぎます",
            "注文金額が最小値を下回っています",
            "リクエストが多すぎます",
            "しばらくしてから再試行してください",
            "サービスを利用できません",
            "リクエストがタイムアウトしました",
            "システムエラー",
            "システムが混雑しています。後でもう一度お試しください",
            "出金額が上限を超過しています",
            "出金アドレスが無効です",
            "この通貨の入金はできません",
            "入金アドレスが無効です",
            "振替に失敗しました",
            "振替数量が無効です",
            "サブアカウントが存在しません",
            "サブアカウントは凍結されています",
            "銘柄が無効です",
            "価格が高すぎます",
            "金額が無効です",
            "注文は拒否されました",
            "口座は凍結されています",
            "注文数量が最小値 {{.min}} を下回っています",
            "不明なエラー",
            "ポジションが見つかりません",
            "ポジションはすでに決済されています",
        ],
    },
    "ko": {
        "title": "오류 코드",
        "intro": "모든 오류 응답에는 아래 코드 중 하나가 포함됩니다.",
        "contents": "목차",
        "params": "요청 파라미터",
        "p_inst": "상품 ID",
        "p_type": "주문 유형",
        "p_size": "수량",
        "changelog": "변경 내역",
        "c_added": "주문 엔드포인트 추가",
        "c_fixed": "계정 섹션의 오타 수정",
        "c_release": "첫 릴리스",
        "enum": "주문 상태 열거",
        "states": "주문 상태",
        "e_pending": "체결 대기",
        "e_partial": "부분 체결",
        "e_filled": "전체 체결",
        "e_canceled": "사용자 취소",
        "code": "오류 코드",
        "message": "메시지",
        "description": "설명",
        "http": "HTTP 상태",
        "param": "파라미터",
        "errcode": "오류 코드",
        "auth": "인증",
        "trade": "거래",
        "account": "계정",
        "orders": "주문 오류",
        "name0": "주문을 찾을 수 없음",
        "name1": "잔액 부족",
        "assets": "자산 오류",
        "market": "시세 오류",
        "system": "시스템 오류",
        "reply_lead": "오류 응답은 다음과 같습니다:",
        "funding": "자금 오류",
        "subaccount": "하위 계정 오류",
        "letters": "이름별 거래 오류",
        "see": "참고",
        "m": [
            "서명이 유효하지 않습니다",
            "타임스탬프가 만료되었습니다",
            "API 키가 없습니다",
            "수량이 너무 작습니다",
            "가격이 범위를 벗어났습니다",
            "주문을 찾을 수 없습니다",
            "주문이 이미 취소되었습니다",
            "주문을 수정할 수 없습니다",
            "주문을 찾을 수 없습니다",
            "잔액이 부족합니다",
            "수량이 너무 작습니다",
            "주문 금액이 최소값보다 작습니다",
            "요청이 너무 많습니다",
            "잠시 후 다시 시도하십시오",
            "서비스를 사용할 수 없습니다",
            "요청 시간이 초과되었습니다",
            "시스템 오류",
            "시스템이 바쁩니다. 나중에 다시 시도하십시오",
            "출금 금액이 한도를 초과했습니다",
            "출금 주소가 유효하지 않습니다",
            "이 통화는 입금이 불가합니다",
            "입금 주소가 유효하지 않습니다",
            "이체에 실패했습니다",
            "이체 수량이 유효하지 않습니다",
            "하위 계정이 없습니다",
            "하위 계정이 동결되었습니다",
            "심볼이 유효하지 않습니다",
            "가격이 너무 높습니다",
            "금액이 유효하지 않습니다",
            "주문이 거부되었습니다",
            "계정이 차단되었습니다",
            "주문 수량이 최소값 {{.min}} 보다 작습니다",
            "알 수 없는 오류",
            "포지션을 찾을 수 없습니다",
            "포지션이 이미 청산되었습니다",
        ],
    },
    "pt": {
        "title": "Códigos de erro",
        "intro": "Toda resposta de erro traz um dos códigos abaixo.",
        "contents": "Sumário",
        "params": "Parâmetros da requisição",
        "p_inst": "ID do instrumento",
        "p_type": "Tipo de ordem",
        "p_size": "Quantidade",
        "changelog": "Histórico de alterações",
        "c_added": "Adicionados os endpoints de ordens",
        "c_fixed": "Corrigido um erro de digitação na seção de contas",
        "c_release": "Primeira versão",
        "enum": "Enumeração de status da ordem",
        "states": "Status da ordem",
        "e_pending": "Aguardando execução",
        "e_partial": "Parcialmente executada",
        "e_filled": "Totalmente executada",
        "e_canceled": "Cancelada pelo usuário",
        "code": "Código",
        "message": "Mensagem",
        "description": "Descrição",
        "http": "Status HTTP",
        "param": "Campo",
        "errcode": "Código de erro",
        "auth": "Autenticação",
        "trade": "Negociação",
        "account": "Conta",
        "orders": "Erros de ordens",
        "name0": "ORDEM NÃO ENCONTRADA",
        "name1": "SALDO INSUFICIENTE",
        "assets": "Erros de ativos",
        "market": "Erros de dados de mercado",
        "system": "Erros do sistema",
        "reply_lead": "Uma resposta de erro é assim:",
        "funding": "Erros de financiamento",
        "subaccount": "Erros de subconta",
        "letters": "Erros de negociação por nome",
        "see": "Veja também",
        "m": [
            "Assinatura inválida.",
            "Carimbo de data/hora expirado.",
            "A chave de API não existe.",
            "Quantidade muito pequena",
            "Preço fora do intervalo",
            "Ordem não encontrada",
            "Ordem já cancelada",
            "A ordem não pode ser alterada",
            "ordem não encontrada",
            "saldo insuficiente",
            "Quantidade muito pequena",
            "O valor da ordem está abaixo do mínimo.",
            "Requisições demais",
            "Aguarde e tente de novo mais tarde.",
            "Serviço indisponível",
            "Tempo da requisição esgotado",
            "Erro do sistema",
            "Sistema ocupado, tente novamente mais tarde",
            "O valor do saque excede o limite",
            "Endereço de saque inválido",
            "Depósitos não são aceitos para esta moeda",
            "Endereço de depósito inválido",
            "Falha na transferência",
            "Valor de transferência inválido",
            "A subconta não existe",
            "A subconta está congelada",
            "Símbolo inválido",
            "Preço alto demais",
            "Valor inválido",
            "Ordem rejeitada",
            "Conta bloqueada",
            "Quantidade da ordem abaixo do mínimo de {{.min}}",
            "Erro desconhecido",
            "Posição não encontrada",
            "Posição já fechada",
        ],
    },
}


def _expected(words: dict[str, Any]) -> list[tuple[str, str, str, str | None, int | None, bool]]:
    """(section, code, message, title, http status, deprecated) of every row on the page."""
    m = words["m"]

    def at(heading: str) -> str:
        return f"{words['title']} > {words[heading]}"

    def plain(heading: str, pairs: list[tuple[str, int]]) -> list[Any]:
        return [(at(heading), code, m[i], None, None, False) for code, i in pairs]

    lowest = m[31].replace("{{.min}}", "{min}")
    return [
        *plain("auth", [("20001", 0), ("20002", 1), ("20003", 2)]),
        *plain("trade", [("E1001", 3), ("E1002", 4)]),
        *plain("account", [("30012", 5), ("30013", 6)]),
        (at("account"), "30014", m[7], None, None, True),
        (at("orders"), "40001", m[8], words["name0"], None, False),
        (at("orders"), "40002", m[9], words["name1"], None, False),
        (at("assets"), "X2001", m[10], None, 400, False),
        (at("assets"), "X2002", m[12], None, 429, False),
        *plain("market", [("50001", 14), ("50002", 15)]),
        *plain("system", [("60001", 16), ("60002", 17)]),
        *plain("funding", [(f"7000{k + 1}", 18 + k) for k in range(4)]),
        (at("funding"), "70005", m[22], None, 400, False),
        (at("funding"), "70006", m[23], None, None, False),
        *plain("subaccount", [("80001", 24), ("80002", 25), ("80003", 26), ("80004", 27)]),
        *plain("letters", [("E2001", 28), ("K30012", 29), ("AB-1001-X", 30)]),
        (at("letters"), "ORDER_QTY_TOO_LOW", lowest, None, None, False),
        *plain("letters", [("0007", 32), ("2003", 33)]),
        (at("letters"), "2004", m[34], None, None, True),
    ]


def _rows(found: extract.Extraction) -> list[tuple[Any, ...]]:
    return [
        (t.section, r.code, r.message, r.title, r.http_status, r.deprecated)
        for t in found.tables
        for r in t.rows
    ]


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_every_shape_in_every_language_and_nothing_else(lang: str) -> None:
    found = extract_page(page.read(SHAPES / f"errors-{lang}.md"))
    assert _rows(found) == _expected(WORDS[lang])


@pytest.mark.parametrize("lang", sorted(WORDS))
def test_one_table_per_section_and_warnings_for_what_the_cells_moved(lang: str) -> None:
    words = WORDS[lang]
    found = extract_page(page.read(SHAPES / f"errors-{lang}.md"))
    sections = [t.section.split(" > ")[-1] for t in found.tables]
    # Three tables under the funding heading and two under the sub-account heading; one
    # table for the seven code headings, one for the records of two headings.
    assert sections == [
        *(words[k] for k in ("auth", "trade", "account", "orders", "assets", "market")),
        words["system"],
        *[words["funding"]] * 3,
        *[words["subaccount"]] * 2,
        words["letters"],
    ]
    said = [(w.line, w.message) for w in found.warnings]
    assert [line for line, _ in said] == [116, 120, 125]
    assert "row has 2 cells, the header 3: read as code '70006'" in said[0][1]
    assert f"the header says '{words['param']} | {words['description']}'" in said[1][1]
    assert "but the cells hold code | message; the cells are used" in said[1][1]
    assert "the cells hold message | code; the cells are used" in said[2][1]


def test_explain_names_every_candidate_with_its_evidence() -> None:
    found = extract_page(page.read(SHAPES / "errors-en.md"))
    explained = {(e.section.split(" > ")[-1], e.shape): e for e in found.explained}
    contents = explained["Contents", "items"].verdict
    assert not contents.taken and "a table of contents" in contents.explain()
    enum = explained["Order status enum", "table"].verdict
    assert not enum.taken and "names values or states" in enum.explain()
    for lookalike in ("Request parameters", "Changelog"):
        verdict = explained[lookalike, "items"].verdict
        assert not verdict.taken and "none of the 3 items starts with a code" in verdict.explain()
    reply, codes = [e.verdict for e in found.explained if e.section.endswith("System errors")]
    assert not reply.taken and "its first line holds no code" in reply.explain()
    assert codes.taken
    see = explained["See also", "a heading per code"].verdict
    assert not see.taken and "2 code headings only name codes documented elsewhere" in (
        see.explain()
    )
    taken = {key: e.verdict for key, e in explained.items() if e.verdict.taken}
    assert set(taken) >= {
        ("Authentication", "items"),
        ("Order errors", "records"),
        ("Asset errors", "records"),
        ("Market data errors", "code block"),
        ("System errors", "code block"),
        ("Trading errors by name", "a heading per code"),
    }
    assert "the code's label names errors: 'err_code'" in taken["Order errors", "records"].explain()
    assert "each code is set apart" in taken["Authentication", "items"].explain()


# --- each shape on its own, positive and negative ------------------------------------------


def html_rows(markup: str) -> list[Row]:
    return [r for t in extract.extract_html(markup, "t.html").tables for r in t.rows]


def md_found(tmp_path: Path, text: str) -> extract.Extraction:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return extract_page(page.read(path))


def test_an_item_without_a_code_is_a_warning_with_its_line(tmp_path: Path) -> None:
    found = md_found(
        tmp_path,
        "# API errors\n\n- `20001` Signature invalid.\n- `20002` Timestamp expired.\n"
        "- `20003` Key revoked.\n- See the FAQ for more.\n",
    )
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("20001", "Signature invalid."),
        ("20002", "Timestamp expired."),
        ("20003", "Key revoked."),
    ]
    (warning,) = found.warnings
    assert warning.line == 6
    assert "'See the FAQ for more.' is not read: no code and message in it" in warning.message


@pytest.mark.parametrize(
    "markup",
    [
        # Outside any error section: order sides, not errors.
        "<h2>Order side</h2><ul><li><code>1</code>: buy</li><li><code>2</code>: sell</li></ul>",
        # Parameter names, dates and versions are no codes, error section or not.
        "<h2>Errors</h2><ul><li><code>instId</code> String: instrument</li>"
        "<li><code>sz</code> String: size</li></ul>",
        "<h2>Error changelog</h2><ul><li>2024-01-15: new codes added</li>"
        "<li>2024-02-01: code 50011 reworded</li></ul>",
        # Values without words beside the codes: an enum of numbers, not messages.
        "<h2>Error codes</h2><pre><code>UNKNOWN_ERROR = 0,\nALREADY_CONNECTED = 11,\n"
        "NOT_CONNECTED = 12,\n</code></pre>",
        # One paragraph that starts with a code is a sentence, not a list.
        "<h2>Error codes</h2><p>51008 is the error code and 1000 is the error sub-code.</p>",
        # A reply in a code block.
        '<h2>Errors</h2><pre><code>{"code": "51000", "msg": "Parameter error", "data": []}'
        "</code></pre>",
        # Codes that are only named, without messages: references.
        "<h2>Errors</h2><ul><li><code>20001</code></li><li><code>20002</code></li></ul>",
    ],
)
def test_lookalike_lists_stay_out(markup: str) -> None:
    assert html_rows(markup) == []


def test_nested_and_flat_records_in_other_languages() -> None:
    markup = """<h1>Códigos de erro</h1>
    <ul><li>Código: X2001<ul><li>Status HTTP: 400</li><li>Mensagem: Valor inválido</li>
    <li>Descrição: O valor está abaixo do mínimo.</li></ul></li>
    <li>Código: X2002<ul><li>Mensagem: Conta bloqueada</li></ul></li></ul>
    <h2>错误码说明</h2>
    <ul><li>错误码：10001</li><li>错误信息：签名无效</li>
    <li>错误码：10002</li><li>错误信息：时间戳过期</li></ul>"""
    assert [(r.code, r.message, r.http_status) for r in html_rows(markup)] == [
        ("X2001", "Valor inválido", 400),
        ("X2002", "Conta bloqueada", None),
        ("10001", "签名无效", None),
        ("10002", "时间戳过期", None),
    ]


def test_a_parameter_record_is_no_error_record() -> None:
    markup = """<h2>Errors</h2><ul><li>Name: instId</li><li>Type: String</li>
    <li>Description: Instrument ID</li></ul>
    <h2>Response</h2><ul><li>Code: 0</li><li>Message: success</li></ul>"""
    assert html_rows(markup) == []


def test_code_block_lines_of_every_form() -> None:
    markup = """<h2>Error codes</h2><pre><code>ERRORS = {
    # auth
    10001: 'Invalid signature',
    "10002": "Timestamp expired",
    10003 - Key revoked
}</code></pre>"""
    assert [(r.code, r.message) for r in html_rows(markup)] == [
        ("10001", "Invalid signature"),
        ("10002", "Timestamp expired"),
        ("10003", "Key revoked"),
    ]


def test_state_cells_mark_a_table_of_values_even_under_an_error_heading() -> None:
    markup = """<h2>Error handling</h2><table><tr><th>Code</th><th>Description</th></tr>
    <tr><td>PENDING</td><td>Not matched yet</td></tr>
    <tr><td>PARTIALLY_FILLED</td><td>Partly matched</td></tr>
    <tr><td>REJECTED</td><td>Rejected by the risk check</td></tr></table>"""
    found = extract.extract_html(markup, "t.html")
    assert found.tables == ()
    assert "the codes name states" in found.explained[0].verdict.explain()


def test_status_code_tables_are_not_value_lists() -> None:
    markup = """<h2>WebSocket close frames</h2><table>
    <tr><th>Status Code</th><th>Reason Text</th></tr>
    <tr><td>4001</td><td>Login failed.</td></tr><tr><td>4002</td><td>Invalid request.</td></tr>
    </table><h2>状态码</h2><table><tr><th>状态码</th><th>文案</th></tr>
    <tr><td>4004</td><td>连接失败</td></tr></table>"""
    assert [r.code for r in html_rows(markup)] == ["4001", "4002", "4004"]


def test_struck_codes_in_lists_headings_and_paragraphs(tmp_path: Path) -> None:
    found = md_found(
        tmp_path,
        "# Error codes\n\n## Orders\n\n- ~~`30001`~~ Old order error\n- `30002` Order failed\n\n"
        "## Positions\n\n### ~~2002~~\n\nPosition frozen\n\n### 2003 {#code-2003}\n\n"
        "Position not found\n\n~~2004~~: Position closed\n\n<del>2005</del> - Position locked\n",
    )
    rows = [(r.code, r.message, r.deprecated) for t in found.tables for r in t.rows]
    assert rows == [
        ("30001", "Old order error", True),
        ("30002", "Order failed", False),
        ("2002", "Position frozen", True),
        ("2003", "Position not found", False),
        ("2004", "Position closed", True),
        ("2005", "Position locked", True),
    ]
    assert [t.section for t in found.tables] == [
        "Error codes > Orders",
        "Error codes > Positions",
    ]


def test_a_reference_keeps_its_row_when_the_code_is_nowhere_else() -> None:
    markup = """<h1>Error codes</h1><h2>Orders</h2><h3>3001</h3><p>Order failed</p>
    <h2>See also</h2><h3>3001</h3><h3>3999 LEGACY</h3>"""
    found = extract.extract_html(markup, "t.html")
    rows = [(t.section, r.code, r.message) for t in found.tables for r in t.rows]
    assert rows == [
        ("Error codes > Orders", "3001", "Order failed"),
        ("Error codes > See also", "3999", "LEGACY"),
    ]


def test_go_template_placeholders() -> None:
    markup = """<h2>Error codes</h2><table><tr><th>Code</th><th>Message</th></tr>
    <tr><td>10001</td><td>limit is {{.maxQty}} and {{ minQty }}</td></tr></table>"""
    assert [r.message for r in html_rows(markup)] == ["limit is {maxQty} and {minQty}"]


def test_a_header_narrower_than_every_row_of_an_html_table() -> None:
    markup = """<h2>Error codes</h2><table><tr><th>Code</th></tr>
    <tr><td>10001</td><td>Invalid signature</td><td></td></tr>
    <tr><td>10002</td><td>Timestamp expired</td></tr></table>"""
    found = extract.extract_html(markup, "t.html")
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("10001", "Invalid signature"),
        ("10002", "Timestamp expired"),
    ]
    assert found.warnings == ()


def test_cells_past_the_header_are_a_warning() -> None:
    markup = """<h2>Error codes</h2><table><tr><th>Code</th><th>Message</th></tr>
    <tr><td>10001</td><td>Invalid signature</td></tr>
    <tr><td>10002</td><td>Timestamp expired</td><td>see FAQ</td></tr></table>"""
    found = extract.extract_html(markup, "t.html")
    assert [r.code for t in found.tables for r in t.rows] == ["10001", "10002"]
    (warning,) = found.warnings
    assert "'see FAQ' past the header is not read" in warning.message


def test_a_markdown_page_of_lists_is_markdown_whatever_its_name() -> None:
    text = "# Error codes\n\n- `20001` Signature invalid.\n- `20002` Timestamp expired.\n"
    found = extract_page(page.from_text("https://docs.example/errors", text))
    assert [r.code for t in found.tables for r in t.rows] == ["20001", "20002"]
    plain = "10001 Signature invalid\n10002 Timestamp expired\n"
    assert page.from_text("errors.txt", plain).html is None


def test_items_that_name_the_code_before_it() -> None:
    markup = """<h2>Errors</h2><ul><li>Error 10001: Invalid signature</li>
    <li>Error code 10002 - Timestamp expired</li><li>错误码 10003：签名过期</li></ul>"""
    assert [(r.code, r.message) for r in html_rows(markup)] == [
        ("10001", "Invalid signature"),
        ("10002", "Timestamp expired"),
        ("10003", "签名过期"),
    ]


def test_names_and_categories_set_apart_are_codes() -> None:
    markup = """<h2>Error reasons</h2><ul>
    <li><code>InsufficientFunds</code>: The order was rejected for lack of funds</li>
    <li><code>InvalidSignature</code>: The signature did not match</li>
    <li><strong>EOrder:Insufficient funds</strong> – Not enough balance</li></ul>
    <h2>Errors</h2><ul><li><code>Overview</code>: read this first</li>
    <li><code>Quickstart</code>: then this</li></ul>"""
    assert [(r.code, r.message) for r in html_rows(markup)] == [
        ("InsufficientFunds", "The order was rejected for lack of funds"),
        ("InvalidSignature", "The signature did not match"),
        ("EOrder:Insufficient funds", "Not enough balance"),
    ]


def test_an_anchor_between_code_headings_is_no_empty_row() -> None:
    markup = """<h1>Error codes</h1><h2>Positions</h2><h3>2002</h3><p>Position frozen</p>
    <p><a id="2003"></a></p><h3>2003</h3><p>Position not found</p>"""
    found = extract.extract_html(markup, "t.html")
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("2002", "Position frozen"),
        ("2003", "Position not found"),
    ]
    assert found.warnings == ()


def test_a_json_object_of_codes_with_objects_as_values() -> None:
    markup = """<h2>Error codes</h2><pre><code>{
      "10001": {"msg": "Invalid signature", "status": 401},
      "10002": {"message": "Timestamp expired"},
      "10003": ["no message here"]
    }</code></pre>"""
    found = extract.extract_html(markup, "t.html")
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("10001", "Invalid signature"),
        ("10002", "Timestamp expired"),
    ]
    (warning,) = found.warnings
    assert "'10003' is not read" in warning.message


def test_a_struck_code_in_a_record_is_deprecated(tmp_path: Path) -> None:
    found = md_found(
        tmp_path,
        "# Error codes\n\n* Code: ~~X2001~~\n  * Message: Amount too small\n"
        "* Code: X2002\n  * Message: Too many requests\n",
    )
    rows = [(r.code, r.message, r.deprecated) for t in found.tables for r in t.rows]
    assert rows == [("X2001", "Amount too small", True), ("X2002", "Too many requests", False)]


def test_a_ragged_pipe_table_whose_lines_end_in_spaces(tmp_path: Path) -> None:
    # Docs mirrors end every Markdown line in two spaces; the delimiter row too.
    found = md_found(
        tmp_path,
        "# Error codes  \n\n| Code |  \n| --- |  \n| 10001 | Invalid signature |  \n"
        "| 10002 | Timestamp expired |  \n",
    )
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("10001", "Invalid signature"),
        ("10002", "Timestamp expired"),
    ]
