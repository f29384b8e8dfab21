"""Bilingual labels for the app and the exports: every user-facing word in zh and en."""

from __future__ import annotations

from typing import Literal

from matcher.models import Zone

Lang = Literal["zh", "en"]

LABELS: dict[str, tuple[str, str]] = {
    # navigation and pages
    "app_title": ("海淀重点园区匹配", "Haidian park matcher"),
    "page_match": ("匹配", "Match"),
    "page_compare": ("对比", "Compare"),
    "page_shortlist": ("短名单导出", "Shortlist & export"),
    "page_batch": ("批量匹配", "Batch"),
    "page_parks": ("园区目录", "Parks"),
    "language": ("语言", "Language"),
    "data_version": ("数据版本", "Data version"),
    # requirement form
    "form_title": ("招商需求", "Your requirement"),
    "sector_text": ("产业方向（可写一句话）", "Sector (free text, a sentence is fine)"),
    "sector_text_help": (
        "例如：集成电路设计、AI芯片、我们是一家做RISC-V处理器的企业",
        "e.g. IC design, AI chips, CAR-T cell therapy pilot plant",
    ),
    "sector_pick": ("或选择产业", "Or pick sectors"),
    "min_area": ("最小面积", "Minimum floor area"),
    "max_area": ("最大面积", "Maximum floor area"),
    "area_help": (
        "可写 5000、5,000㎡、0.5万平方米、5000 sqm",
        "Accepts 5000, 5,000㎡, 0.5万平方米, 5000 sqm",
    ),
    "location_text": ("意向区位", "Preferred location"),
    "location_help": (
        "镇、片区或地标，例如：温泉、北部、学院路、西四环",
        "Town, zone or landmark, e.g. Wenquan, north, Xueyuan Road, West 4th Ring",
    ),
    "location_pick": ("或选择镇/片区", "Or pick towns / zones"),
    "advanced": ("高级选项", "Advanced"),
    "choose": ("请选择", "Choose"),
    "weight_sector": ("产业权重", "Sector weight"),
    "weight_area": ("面积权重", "Area weight"),
    "default_weights": ("默认权重", "default weights"),
    "weight_location": ("区位权重", "Location weight"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "hard_area": ("面积为硬性条件", "Area is a hard constraint"),
    "hard_location": ("区位为硬性条件", "Location is a hard constraint"),
    "hide_unfit": ("隐藏无法容纳的园区", "Hide parks that cannot fit"),
    "submit": ("匹配园区", "Find parks"),
    "empty_requirement": (
        "请至少填写产业、面积或区位中的一项。",
        "Enter at least a sector, an area or a location.",
    ),
    "bad_area": ("面积无法识别", "Area not understood"),
    "no_sector_fit": (
        "没有园区的产业定位包含该产业，以下结果仅供参考。",
        "No park lists this sector; the list below is for reference only.",
    ),
    "results": ("匹配结果", "Ranked parks"),
    "cannot_fit": ("面积不足", "cannot fit"),
    "excluded": ("已排除", "excluded"),
    "details": ("园区详情", "Park details"),
    "breakdown": ("得分构成", "How the score was formed"),
    "matched_terms": ("匹配的产业词", "Matched terms"),
    "hints": ("什么会改变排名", "What would change the ranking"),
    "add_to_shortlist": ("加入短名单", "Add selected to shortlist"),
    "select_rows_help": (
        "在表格中勾选园区，然后加入短名单。",
        "Tick parks in the table, then add them to the shortlist.",
    ),
    "added": ("已加入短名单", "Added to the shortlist"),
    # table columns
    "rank": ("排名", "Rank"),
    "park_id": ("园区编号", "Park ID"),
    "name": ("园区名称", "Park name"),
    "name_en": ("英文名称", "English name"),
    "score": ("得分", "Score"),
    "fit": ("匹配度", "Fit"),
    "sector": ("产业", "Sector"),
    "area": ("面积", "Area"),
    "location": ("区位", "Location"),
    "town": ("所在镇/街道", "Town"),
    "zone": ("片区", "Zone"),
    "total_area": ("总建筑面积(㎡)", "Total floor area (m²)"),
    "above_ground_area": ("地上建筑面积(㎡)", "Above-ground floor area (m²)"),
    "expansion_area": ("扩展空间(㎡)", "Expansion space (m²)"),
    # the results grid's narrow headers (the full label is the header's tooltip)
    "total_area_short": ("总面积(㎡)", "Total m²"),
    "above_ground_area_short": ("地上面积(㎡)", "Above ground m²"),
    "sectors": ("产业标签", "Sector tags"),
    "positioning_zh": ("产业定位（原文）", "Positioning (published Chinese)"),
    "positioning_en": ("产业定位（英文）", "Positioning (English)"),
    "location_zh": ("空间位置（原文）", "Location (published Chinese)"),
    "address": ("空间位置", "Address"),
    "location_en": ("空间位置（英文）", "Location (English)"),
    "reasons": ("理由", "Reasons"),
    "source": ("来源", "Source"),
    "notes": ("说明", "Notes"),
    "note": ("备注", "Note"),
    "unknown": ("未知", "unknown"),
    "fit_strong": ("强", "strong"),
    "fit_partial": ("部分", "partial"),
    "fit_weak": ("弱", "weak"),
    "fit_none": ("无", "none"),
    "zone_north": ("北区", "north zone"),
    "zone_south": ("南区", "south zone"),
    "fit_tier": ("匹配档起点", "Fit tier starts at"),
    "why_each_park": ("各园区的匹配理由", "Why each park"),
    "show_all": ("显示全部园区", "Show all parks"),
    "total": ("总分", "Total"),
    "park": ("园区", "Park"),
    # compare
    "compare_pick": ("选择 2–4 个园区", "Pick 2 to 4 parks"),
    "compare_need_two": ("请至少选择两个园区。", "Pick at least two parks."),
    "compare_differs": (
        "高亮：影响选择的不同之处（匹配度、镇、片区、面积）",
        "Highlighted: differences that matter for the choice (fit, town, zone, areas)",
    ),
    "field": ("项目", "Field"),
    # shortlist
    "shortlist_empty": (
        "短名单为空：在上方排名中勾选园区后加入。",
        "The shortlist is empty: tick parks in the ranking above, then add them.",
    ),
    "shortlist_add": ("添加园区", "Add parks"),
    "move_up": ("上移", "Up"),
    "move_down": ("下移", "Down"),
    "remove": ("移除", "Remove"),
    "shortlist_note": ("短名单备注", "Shortlist note"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_ranking": ("下载排名 CSV", "Download ranking CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "download_pdf": ("下载 PDF 简报", "Download PDF brief"),
    "requirement": ("需求", "Requirement"),
    "weights": ("权重", "Weights"),
    "exported_at": ("导出时间", "Exported at"),
    "order": ("顺序", "Order"),
    # batch
    "batch_upload": ("上传需求清单（CSV 或 Excel）", "Upload a lead list (CSV or Excel)"),
    "batch_top": ("每条需求返回园区数", "Parks per requirement"),
    "batch_encoding": ("文件编码（留空自动识别）", "File encoding (blank: detect)"),
    "batch_sheet": ("工作表名（留空取第一个）", "Sheet name (blank: the first)"),
    "batch_run": ("开始匹配", "Match all rows"),
    "batch_summary": (
        "读取 {read} 行，匹配 {ok} 行，出错 {bad} 行",
        "Rows read {read}, matched {ok}, with errors {bad}",
    ),
    "batch_errors": ("出错的行", "Rows with errors"),
    "batch_download": ("下载结果 CSV", "Download results CSV"),
    "batch_download_xlsx": ("下载结果 Excel", "Download results Excel"),
    "batch_failed": ("文件无法读取", "The file cannot be read"),
    "error": ("错误", "Error"),
    # parks
    "filter_zone": ("片区", "Zone"),
    "compare_only_differences": ("只看不同之处", "Only differences"),
    "filter_text_help": (
        "园区名称、地址、产业或镇，中英文均可：芯片、biomedicine、Wenquan",
        "Park name, address, sector or town, in Chinese or English: 芯片, biomedicine, Wenquan",
    ),
    "filter_sector": ("产业", "Sector"),
    "filter_text": ("搜索", "Search"),
    "filter_min_area": ("最小总建筑面积(㎡)", "Minimum total floor area (m²)"),
    # app hardening: batch page states, error messages and the input template
    "batch_running": ("正在匹配…", "Matching…"),
    "batch_result_for": ("结果来自文件", "Results for the file"),
    "batch_preview": (
        "预览前 {shown} 行（共 {total} 行），完整结果请下载。",
        "Showing the first {shown} of {total} rows; download for the full results.",
    ),
    "batch_errors_preview": (
        "共 {total} 行出错，显示前 {shown} 行。",
        "{total} rows with errors; showing the first {shown}.",
    ),
    "batch_bad_encoding": ("无法识别的编码名称", "Unknown encoding name"),
    "batch_mixed_encoding": (
        "文件中编码不一致（例如 UTF-8 与 GBK 混用），请统一另存为 UTF-8 后再上传",
        "The file mixes text encodings (e.g. UTF-8 and GBK); save it as UTF-8 and upload again",
    ),
    "batch_not_a_table": (
        "文件不是规整的表格（例如引号未闭合）",
        "The file is not a well-formed table (e.g. an unclosed quote)",
    ),
    "batch_unexpected": (
        "处理文件时出现意外错误，已记录日志。请检查文件或联系管理员。",
        "Something unexpected went wrong with this file; it has been logged. "
        "Check the file or contact the administrator.",
    ),
    "batch_columns": ("需求清单应包含的列", "Columns the lead list should have"),
    "batch_columns_help": (
        "表头可用英文列名或任一中文写法；产业、面积、区位至少需要一列。",
        "Headers may be the English name or any Chinese variant; "
        "at least one of sector, area or location is needed.",
    ),
    "column_name": ("列名", "Column"),
    "column_variants": ("可用的中文表头", "Chinese headers accepted"),
    "column_example": ("示例", "Example"),
    "template_csv": ("下载模板 CSV", "Download template CSV"),
    "template_xlsx": ("下载模板 Excel", "Download template Excel"),
    # investor page, sign-in, inbox and case pages (the staff workspace)
    "page_investor": ("园区匹配", "Find a park"),
    "page_signin": ("工作人员登录", "Staff sign-in"),
    "page_inbox": ("案件收件箱", "Inbox"),
    "page_case": ("案件", "Case"),
    "investor_intro": (
        "填写需求即可看到各园区的匹配结果与理由。留下联系方式并同意后，招商人员会与您联系。",
        "Describe what you need and see every park ranked with its reasons. Leave your "
        "contact details and consent, and the investment-promotion team will get in touch.",
    ),
    "company": ("企业名称", "Company"),
    "contact_person": ("联系人", "Contact person"),
    "contact": ("电话或电子邮箱（选填）", "Phone or e-mail (optional)"),
    "consent": (
        "我同意海淀区招商人员就此需求与我联系",
        "I agree that Haidian's investment-promotion staff may contact me about this enquiry",
    ),
    "enquiry_saved": (
        "已收到您的需求（编号 {case}），招商人员会尽快处理。",
        "Your enquiry was received (number {case}); the team will follow it up.",
    ),
    "enquiry_too_long": (
        "每项联系信息最多 200 个字符",
        "Each contact field takes at most 200 characters",
    ),
    "enquiry_bad_contact": (
        "请填写可用的电话号码或电子邮箱",
        "Enter a phone number or an e-mail address we can use",
    ),
    "enquiry_need_consent": (
        "留下联系方式时请勾选同意联系，或清空联系方式",
        "Tick the consent box to leave contact details, or clear them",
    ),
    "enquiry_rate_limited": (
        "提交过于频繁：每 10 分钟最多 5 次，请于 {time} 后再试。",
        "Too many submissions: at most 5 in 10 minutes. Try again after {time}.",
    ),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "signed_in_as": ("已登录", "Signed in as"),
    "signin_failed": ("用户名或密码不正确", "Wrong username or password"),
    "signin_locked": (
        "登录失败次数过多，账户锁定至 {time}（北京时间）",
        "Too many failed attempts: the account is locked until {time} (Beijing time)",
    ),
    "signin_help": (
        "仅供招商工作人员使用。新账户由管理员用 matcher staff add 创建。",
        "For investment-promotion staff. An administrator creates accounts with matcher staff add.",
    ),
    "status": ("状态", "Status"),
    "status_new": ("新", "new"),
    "status_in_progress": ("处理中", "in progress"),
    "status_shortlisted": ("已选园区", "shortlisted"),
    "status_sent": ("已发送", "sent"),
    "status_closed": ("已关闭", "closed"),
    "source_investor_form": ("投资者表单", "investor form"),
    "source_staff": ("工作人员录入", "staff"),
    "source_batch": ("批量导入", "batch"),
    "inbox_search": ("搜索企业、联系人、产业或编号", "Search company, contact, sector or number"),
    "inbox_total": ("共 {total} 件，显示 {shown} 件", "{total} cases, {shown} shown"),
    "inbox_empty": ("没有符合条件的案件。", "No case matches."),
    "inbox_new_mark": ("新案件", "new case"),
    "new_case": ("新建案件", "New case"),
    "create_case": ("创建案件", "Create the case"),
    "case_missing": (
        "未指定案件：请从收件箱打开一个案件。",
        "No case chosen: open one from the Inbox.",
    ),
    "case_not_found": ("案件不存在", "No such case"),
    "case_title": ("案件 {case}", "Case {case}"),
    "case_contact": ("联系方式", "Contact"),
    "case_consent_at": ("同意联系时间", "Consent given at"),
    "case_no_consent": ("未同意联系", "No consent to be contacted"),
    "case_source": ("来源", "Source"),
    "case_updated": ("最后修改", "Last changed"),
    "change_status": ("更改状态", "Change status"),
    "status_next": ("下一状态", "Next status"),
    "edit_requirement": ("修改需求", "Edit the requirement"),
    "save_requirement": ("保存需求并重新排名", "Save and rank again"),
    "snapshots_kept": (
        "此前的 {count} 次排名已保留",
        "{count} earlier rankings kept",
    ),
    "ranking_outdated": (
        "数据已更新，此排名基于旧数据。",
        "The data changed since this ranking was made.",
    ),
    "rank_again": ("按新数据重新排名", "Rank again on today's data"),
    "case_shortlist": ("本案短名单", "This case's shortlist"),
    "note_for": ("{park} 的备注", "Note on {park}"),
    "save_notes": ("保存备注", "Save notes"),
    "saved": ("已保存", "Saved"),
    "exports": ("导出记录", "Exports"),
    "exports_none": ("尚无导出。", "No exports yet."),
    "export_by": ("导出人", "By"),
    "export_format": ("格式", "Format"),
    "stale_case": (
        "保存失败：他人已修改此案件",
        "Not saved: someone else changed this case",
    ),
    "reload_case": ("重新载入案件", "Reload the case"),
    "open_case": ("打开", "Open"),
    "updated_at": ("更新时间", "Updated"),
    "batch_history": ("批量匹配记录", "Batch run history"),
    "batch_history_none": ("尚无批量匹配记录。", "No batch runs yet."),
    "batch_redownload": ("重新下载 #{run}", "Download #{run} again"),
    "batch_record_failed": ("结果未能存档", "The result could not be kept"),
    "batch_rows": ("行数", "Rows"),
    "file_name": ("文件名", "File"),
    "staff_only": ("请先登录。", "Sign in first."),
    # The printable brief's words (matcher/brief.py)
    "brief_title": ("海淀重点园区推荐", "Haidian key park recommendations"),
    "brief_for": ("致", "For"),
    "brief_prepared": ("编制日期", "Prepared"),
    "brief_sector": ("产业方向", "Sector"),
    "brief_area": ("面积", "Floor area"),
    "brief_parks": ("推荐园区", "Recommended parks"),
    "brief_place": ("位置", "Place"),
    "brief_why": ("匹配理由", "Why it fits"),
    "brief_staff_note": ("招商人员备注", "Staff note"),
    "brief_positioning": ("产业定位（原文）", "Published positioning"),
    "brief_positioning_en": ("英文译文", "English translation"),
    "brief_space": ("空间", "Space"),
    "brief_page": ("第 {n} 页，共 {total} 页", "Page {n} of {total}"),
    "brief_required": ("必须满足", "required"),
    "brief_unrecognised": ("未能识别，未计入评分", "not recognised; not scored"),
    "brief_none_picked": ("尚未选择园区。", "No park has been picked yet."),
    "brief_not_ranked": ("未评分", "not scored"),
    # The Lexicon page: staff teach the matcher investors' own words (matcher/lexicon.py)
    "page_lexicon": ("术语库", "Lexicon"),
    "lexicon_intro": (
        "投资方常用自己的产品和技术词（如“质子治疗”）。某个词找不到产业或只有弱匹配时，"
        "可在此把它归入某个产业的产业链环节；保存前会重新运行评测集，显示指标变化。",
        "Investors use their own product and technology words (say, “proton therapy”). When a "
        "word finds no sector or only a weak fit, place it in a sector's chain here; before it "
        "is saved, the evaluation sets are run again and the change in their figures shown.",
    ),
    "lexicon_taught_count": ("含员工添加的术语 {n} 个", "including {n} staff-taught terms"),
    "lexicon_suggestions": ("未被识别的需求用词", "Requirement words the matcher missed"),
    "lexicon_suggestions_help": (
        "来自最近的案件：没有识别出产业，或最佳园区仅为弱匹配。",
        "From recent cases: no sector recognised, or the best park is only a weak fit.",
    ),
    "lexicon_no_suggestions": (
        "最近的案件用词都已识别。",
        "Every word in recent cases was understood.",
    ),
    "lexicon_text": ("需求用词", "Words used"),
    "lexicon_times": ("次数", "Times"),
    "lexicon_best_fit": ("最佳匹配", "Best fit"),
    "lexicon_start_from": ("从这条用词开始", "Start from these words"),
    "lexicon_use": ("填入表单", "Use in the form"),
    "lexicon_teach_this": (
        "未识别这些用词：在术语库中教会匹配器",
        "These words were not understood: teach the matcher on the Lexicon page",
    ),
    "lexicon_teach": ("添加术语", "Teach a term"),
    "lexicon_term_zh": ("中文术语", "Chinese term"),
    "lexicon_term_en": ("英文术语", "English term(s)"),
    "lexicon_term_en_help": (
        "可填多个，用逗号或 | 分隔",
        "Several may be given, separated by commas or |",
    ),
    "lexicon_sector": ("所属产业（产业链）", "Sector (whose chain it belongs to)"),
    "lexicon_secondary": ("次要产业（可选）", "Secondary sector (optional)"),
    "lexicon_segment": ("产业链环节", "Chain segment"),
    "lexicon_note": ("依据（供复核）", "Why (for review)"),
    "lexicon_none": ("（无）", "(none)"),
    "lexicon_preview": ("预览效果", "Preview the effect"),
    "lexicon_need_words": (
        "请填写中文术语和至少一个英文术语，并选择所属产业和产业链环节。",
        "Give the Chinese term and at least one English term, and pick the sector and segment.",
    ),
    "lexicon_choose": ("请选择", "Choose"),
    "lexicon_cannot": ("不能添加：", "Cannot be taught:"),
    "lexicon_effect": ("该术语作为需求时的前三名", "The top three for this term as a requirement"),
    "lexicon_now": ("现在", "Now"),
    "lexicon_after": ("添加后", "After"),
    "lexicon_figures": ("评测集指标", "Evaluation figures"),
    "lexicon_set": ("评测集", "Set"),
    "lexicon_no_fit": ("无匹配行识别", "No-fit rows flagged"),
    "lexicon_no_gold": (
        "找不到评测集（{folder}），无法显示指标变化。",
        "No evaluation sets found ({folder}); the change in figures cannot be shown.",
    ),
    "lexicon_worse": (
        "添加后以下评测集的指标下降：{sets}。请检查术语是否过于宽泛。",
        "With this term the figures drop on: {sets}. Check the term is not too broad.",
    ),
    "lexicon_save_anyway": ("仍然保存", "Save anyway"),
    "lexicon_about_to_teach": ("将添加：", "About to teach:"),
    "lexicon_read_again": ("读法改变的需求", "Requirements read differently"),
    "lexicon_read_again_count": (
        "最近的需求和评测行中，有 {n} 条（共 {total} 条不同的用词）的产业识别会改变。",
        "{n} of {total} distinct texts (recent requirements and evaluation rows) would be "
        "read as other sectors.",
    ),
    "lexicon_read_before": ("现在识别为", "Read now as"),
    "lexicon_read_after": ("添加后识别为", "Read after as"),
    "lexicon_rerouted": (
        "该术语会改变 {n} 条原本已识别的需求的产业：它可能过于宽泛（如“科技”“平台”）。",
        "The term changes the sector of {n} requirements that were already understood: it "
        "may be too broad (like “tech” or “platform”).",
    ),
    "lexicon_too_common": (
        "该术语出现在大量需求中，可能是常用词而非产品或技术名称。",
        "The term appears in a large share of requirements: it may be a common word, not a "
        "product or technology.",
    ),
    "lexicon_gold_unreadable": (
        "评测集 {name} 无法读取，未计入：{why}",
        "Evaluation set {name} could not be read and is left out: {why}",
    ),
    "lexicon_form_changed": (
        "表单在预览后已修改：请重新预览，再保存。",
        "The form changed since the preview: preview again before saving.",
    ),
    "lexicon_save": ("保存术语", "Save the term"),
    "lexicon_saved": ("已添加“{term}”，排名即时生效。", "“{term}” taught; rankings use it now."),
    "lexicon_taught": ("已添加的术语", "Taught terms"),
    "lexicon_taught_none": ("尚未添加术语。", "No term has been taught yet."),
    "lexicon_taught_by": ("添加人", "Taught by"),
    "lexicon_taught_at": ("添加时间", "Taught at"),
    "lexicon_state": ("状态", "State"),
    "lexicon_active": ("使用中", "in use"),
    "lexicon_retired": ("{who} 于 {when} 停用", "retired by {who} on {when}"),
    "lexicon_export": ("导出 CSV（供复核）", "Export CSV (for review)"),
    "lexicon_retire_pick": ("停用术语", "Retire a term"),
    "lexicon_retire": ("停用", "Retire"),
    "lexicon_retired_now": ("已停用“{term}”。", "“{term}” retired."),
}


def label(key: str, lang: Lang) -> str:
    """The label in the chosen language; a missing key fails loudly in tests, not silently."""
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def bilingual(key: str) -> str:
    """'中文 / English', for export headers that both audiences read."""
    zh, en = LABELS[key]
    return f"{zh} / {en}"


def zone_name(zone: Zone, lang: Lang) -> str:
    """北区 / north zone: the one name of each half of the district, in either language."""
    return label(f"zone_{zone.value}", lang)
