"""English → Chinese for questions asked in English (no item-specific rules).

Residents and their relatives abroad ask in plain English ("my dad is deaf", "the
hospital bill", "start receiving my pension"); knowledge bases are written in
official Chinese. `ENGLISH` maps everyday English words and phrases (up to four
words, base forms — `lemma` folds plurals and -ed/-ing) to the Chinese words a
service center's items use. A phrase may map to words of the off-topic lexicon
(passport → 护照), which then weigh against a match unless the knowledge base
offers that service.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a word-list literal."""
    return text.split()


def _expand(groups: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """'a|b|c' keys share one space-separated target list. Keys are spelled as questions
    are after cleaning: "driver's license" is looked up as driver s license."""
    table: dict[str, tuple[str, ...]] = {}
    for keys, targets in groups.items():
        for key in keys.split("|"):
            key = " ".join(re.sub(r"[^a-z0-9]+", " ", key.lower()).split())
            table[key] = tuple(dict.fromkeys((*table.get(key, ()), *targets.split())))
    return table


ENGLISH = _expand({
    # -- people and family --------------------------------------------------------------
    "child|children|kid|son|daughter|boy|girl|minor|grandson|granddaughter|grandchild|"
    "grandchildren|nephew|niece": "子女 儿童 未成年人",
    "baby|newborn|infant|born|birth|new baby|just born|had a baby": "出生 新生儿",
    "birth certificate|birth cert|medical birth certificate|birth proof|proof of birth|"
    "certificate of birth": "出生医学证明 出生证明",
    "elderly|old|senior|aging|ageing|older|grandma|grandmother|grandpa|grandfather|"
    "grandparent|granny|old man|old woman|old lady|old people|old person|elderly people|"
    "senior citizen|old age|over 80|over eighty|in his eighties|in her eighties|very old|"
    "eighty|ninety|over 90|over ninety|hundred": "老年人 高龄 老人",
    "parent|father|mother|mom|mum|dad|mommy|daddy|in-law|mother-in-law|father-in-law": "父母",
    "wife|husband|spouse|partner": "配偶 夫妻",
    "orphan|orphaned|lost both parents|no parents|parents died|left-behind child|"
    "left behind child": "孤儿 事实无人抚养儿童 儿童",
    "brother|sister|sibling|relative|cousin|uncle|aunt": "亲属 家庭成员",
    "death|die|dead|deceased|pass away|passed away": "死亡 去世",
    "funeral|burial|cremation|cremate|bury|cemetery|ashes|funeral home|funeral parlor": "殡葬 火化 丧葬",
    "disabled|disability|handicapped|handicap|impaired|impairment": "残疾 残疾人",
    "wheelchair|hearing aid|crutch|prosthesis|prosthetic|artificial limb|walker|walking aid":
        "辅助器具 轮椅 助听器 假肢 残疾",
    "deaf|hearing|hard of hearing|cannot hear|can't hear|hearing loss": "听力残疾 聋 听不见 残疾",
    "blind|vision|visually impaired|cannot see|can't see|eyesight|partially sighted": "视力残疾 盲 残疾",
    "mute|speech|cannot speak|can't speak|dumb": "言语残疾 哑 残疾",
    "amputate|amputated|amputation|lost a leg|lost an arm|lost his leg|lost her leg|lost my leg|"
    "lost fingers|limb|leg|arm|finger": "肢体残疾 截肢 残疾",
    "mental illness|mentally ill|mental|psychiatric|schizophrenia": "精神残疾 精神病",
    "intellectual disability|learning disability|cerebral palsy|autism|autistic|down syndrome":
        "智力残疾 残疾 脑瘫",
    "paralysed|paralyzed|paralysis|bedridden|bed-bound|stroke|cannot walk|can't walk|"
    "cannot take care of himself|cannot look after himself|cannot care for himself|"
    "needs care|full-time care|care all the time": "瘫痪 卧床 重度残疾 护理 生活不能自理",
    "severe|severely|serious|seriously|grade one|grade two|level one|level two": "重度",
    "veteran|ex-soldier|soldier|military|army|navy|serviceman|servicemen|military service|"
    "served in the army|in the army": "退役军人 退役 军人",
    "left the army|discharged|demobilised|demobilized|retired from the army|came back from the army|"
    "finished his military service|finished military service|came home from the army|"
    "back from the army": "退役 退伍 退役军人",
    "martyr|martyrs|fallen soldier|killed in action": "烈士 烈属",
    "wounded|injured in the war|war injury|disabled veteran|disabled soldier|war veteran|"
    "fought in the war|combat": "伤残 残疾军人 参战 抚恤",
    "pregnancy|pregnant|maternity|childbirth|expecting|prenatal|second child|third child|"
    "second baby|third baby|another baby": "生育 怀孕 生育登记",
    "only child|one child|only one child|single child": "独生子女",
    "two daughters|only daughters|daughters only": "双女户 女儿 计划生育",
    "family planning": "计划生育",
    "lost our only child|lost their only child|only child died": "失独 独生子女死亡 计划生育",
    "migrant|floating population|migrant worker|work away from home|work elsewhere": "流动人口 外出务工",
    "marriage|married|marry|wedding|get married|marriage certificate": "结婚 婚姻",
    "divorce|divorced|get divorced": "离婚",
    # -- money, welfare ------------------------------------------------------------------
    "allowance|subsidy|subsidies|grant|benefit|stipend|bonus|reward|money|cash|payment|"
    "compensation|financial help|financial support": "补贴 津贴 补助 奖励",
    "welfare|relief|assistance|aid|support|financial help|rescue|social assistance|social welfare":
        "救助 帮扶 补助",
    "poor|poverty|hardship|needy|low income|low-income|struggling|cannot afford|can't afford|"
    "no money|no income|little income|hard up|in difficulty|difficult|difficulties|broke|"
    "almost no income|barely survive|make ends meet": "困难 贫困 低收入 生活困难",
    "minimum living|subsistence|minimum living allowance|minimum living security|dibao|"
    "minimum income|basic living allowance|living allowance|monthly support|monthly government support":
        "低保 最低生活保障",
    "emergency|temporary|sudden|one-time|one time|emergency relief|emergency help":
        "临时 急难 临时救助",
    "extreme poverty|destitute|no one to support|nobody to support|no one to take care|"
    "no family|no relatives|childless|no children|lonely|five guarantees|no one to look after him|"
    "no one to look after her|nobody to look after": "特困 供养 孤寡 无子女",
    "alone|lives alone|living alone|live alone|by herself|by himself|on her own|on his own":
        "独居 空巢老人 孤寡",
    "pension|retirement|annuity|old-age pension|old age pension": "养老金 养老保险",
    "insurance|insured": "保险",
    "medical insurance|health insurance|medical|health|healthcare|health care|"
    "rural medical insurance|cooperative medical|new cooperative medical": "医疗保险 医保 医疗",
    "pension insurance|rural pension|rural pension insurance|old-age insurance|endowment insurance":
        "养老保险 养老金",
    "social security|social insurance": "社会保险 社保",
    "social security card|insurance card|medical card|medical insurance card": "社会保障卡 社保卡",
    "reimburse|reimbursement|reimbursed|claim|pay back|paid back|money back|get back|"
    "cover|covered|claim back|compensate": "报销 结算",
    "directly settle|direct settlement|settle directly|settle": "直接结算 结算",
    "hospital|doctor|treatment|medical treatment|see a doctor|treated|hospitalised|hospitalized|"
    "hospital stay|hospital stays|stay in hospital|stayed in hospital|stay in the hospital|"
    "inpatient|admitted|surgery|operation|ward": "住院 就医 医疗",
    "hospital bill|medical bill|medical bills|hospital bills|hospital fee|hospital cost|"
    "medical expense|medical expenses|medical cost|medical costs|treatment cost|"
    "out of pocket|out-of-pocket|self-paid": "住院费用 医疗费用 医药费 自付费用",
    "medicine|medication|drug|pill|prescription|pharmacy": "药费 药品 门诊",
    "outpatient|clinic|clinic visit|outpatient visit": "门诊",
    "chronic|chronic disease|chronic illness|long-term illness|long term illness|"
    "long-term medication": "慢特病 慢性病 门诊慢特病",
    "diabetes|diabetic|hypertension|high blood pressure|heart disease|kidney|kidney failure|"
    "dialysis|uremia": "慢特病 慢性病 高血压 糖尿病 透析 尿毒症",
    "illness|disease|sick|ill|sickness": "疾病 患病 大病",
    "serious illness|critical illness|major illness|cancer|leukemia|leukaemia|tumour|tumor|"
    "chemotherapy|chemo|serious disease": "大病 重特大疾病 医疗救助 恶性肿瘤 白血病",
    "another city|other city|other province|another province|out of town|elsewhere|"
    "another place|different city|out of province|away from home|outside the province|"
    "in another province|in another city|other provinces|big city|provincial capital|"
    "shanghai|beijing|guangzhou|shenzhen": "异地 外地 跨省",
    "fee|cost|price|charge|pay|contribution|premium|contribute": "费用 缴费 标准",
    "how much": "标准",
    "loan|borrow|credit|low interest|low-interest|interest-free|interest free|microloan|"
    "small loan|guaranteed loan|government-backed loan": "贷款 创业担保贷款 贴息",
    "wage|salary|pay owed|unpaid|unpaid wages|wages owed|not paid|hasn't paid|has not paid|"
    "didn't pay|did not pay|won't pay|refuses to pay|never paid|owes us|owe us|owes me|"
    "back pay|arrears": "工资 欠薪 拖欠",
    "contractor|foreman|labour contractor|labor contractor|subcontractor|boss|employer|employers|"
    "company|factory owner": "用人单位 老板 包工头 单位 公司",
    # -- documents and registration ------------------------------------------------------
    "household registration|household register|hukou|residence registration|"
    "registered residence|household": "户口 户籍",
    "household register booklet|household book|hukou book|hukou booklet": "户口簿 户口本",
    "transfer|move|relocate|migrate|moving": "迁移 转移 转接",
    "move my hukou|transfer my hukou|move hukou|hukou transfer|move our hukou|move her hukou|"
    "move his hukou|move my household registration|transfer my household registration|"
    "move my registration": "户口迁移 迁移 迁入",
    "married into|marry into|married here|moved here after marriage|married a man from|"
    "married a local": "投靠 迁入 婚嫁",
    "move in|move here|settle|settle here|settle down": "迁入 落户",
    "move out|move away": "迁出",
    "cancel|cancellation|deregister|deregistration|terminate": "注销",
    "id card|identity card|id|identity|identification|identity document": "身份证 居民身份证",
    "residence permit|residence card|residency|temporary residence|living permit": "居住证",
    "certificate|certification|proof|card|document of proof|letter": "证明 证",
    "lost|lose|missing|stolen|misplace|misplaced": "遗失 丢失 补办 挂失",
    "replace|replacement|reissue|renew|renewal|new one|expire|expired|expiring|expiry|"
    "out of date|broken|damaged|not working|stopped working|chip": "补办 补领 换领 到期 损坏",
    "first time|for the first time": "首次",
    "years old|year old|age|aged over": "周岁 年龄",
    "paid|spent|spend|paid for": "费用",
    "paid myself|paid it myself|paid everything myself|paid out of my own pocket|paid up front|"
    "paid upfront|paid in advance|advanced the money": "垫付 自费 报销",
    "property|real estate|house deed|property certificate": "不动产 房产",
    "tax|taxes": "税务 纳税",
    "housing fund|provident fund": "公积金",
    "passport": "护照",
    "visa|work visa|residence stamp": "签证",
    "driving licence|driving license|driver license|drivers license|driver's license|"
    "driving test|driving school|learner's permit": "驾驶证 驾照",
    "car|vehicle|motorbike|motorcycle|e-bike|electric bike|number plate|license plate|"
    "traffic ticket|traffic fine|speeding": "车辆 车牌 违章",
    # -- work, business, law --------------------------------------------------------------
    "job|work|employment|employed|working|worker|labor|labour": "就业 工作 务工",
    "unemployed|unemployment|jobless|laid off|lost my job|lost his job|lost her job|fired|"
    "dismissed|out of work|redundant|factory closed|no job": "失业 就业失业 失业登记",
    "job opening|job openings|vacancies|vacancy|hiring|recruitment|recruit|looking for work|"
    "find a job|find work|job fair|job seeker|job information": "招聘 岗位 用工 求职 招工",
    "training|skill|course|vocational|learn a skill|learn a trade|apprentice|welding|welder|"
    "electrician|excavator|qualification": "职业技能培训 培训 技能",
    "startup|start a business|start my own business|entrepreneur|entrepreneurship|"
    "starting a business|set up a business|return home to start": "创业 创业担保贷款",
    "business license|business licence|shop|store|self-employed|self employed|small business|"
    "stall|street stall|grocery|grocery store|noodle shop|restaurant license|open a shop|"
    "open a store|run a shop|sole proprietor|individual business": "个体工商户 营业执照 开店",
    "lawyer|lawyers|attorney|legal aid|free lawyer|free legal aid|free legal help|legal help|"
    "legal representation": "法律援助 律师",
    "won't pay for|refuses to pay for|refuse to pay for|won't compensate|refuses to compensate|"
    "refuse to compensate|won't pay for the damage|refuses to pay for the damage|pay for the damage|"
    "compensation for the damage|damage to my flat|damaged my flat|damaged my home": "赔偿 纠纷 不肯赔",
    "lawsuit|court|sue|suing|court case|go to court|take to court|litigation|judge":
        "诉讼 起诉 打官司 法院",
    "legal|law|legal advice|legal question|legal consultation|legally|is it legal|legal problem|"
    "rights": "法律 法律咨询",
    "inheritance|inherit|a will|his will|her will|estate|left no will|no will": "继承 遗产继承 遗嘱",
    "debt|lend|lent|borrowed|iou|pay me back|owe money": "借钱不还 借款 债务",
    "contract|agreement": "合同",
    "dispute|disputes|conflict|quarrel|argue|argument|fight|fighting|feud|disagreement|"
    "boundary": "纠纷 矛盾 调解",
    "neighbor|neighbour|neighbors|neighbours|next door": "邻里 邻居 纠纷",
    "mediation|mediate|mediator|settle the dispute|settle it|reconcile|reconciliation|"
    "make peace|sort it out|sort this out|sort things out|without going to court|out of court|"
    "avoid court|avoid going to court|settle it between us": "人民调解 调解",
    "complaint|complain|file a complaint": "投诉 举报",
    "report": "报到 举报 投诉 反映",
    "consult|consultation|advice|ask about|ask a question|question|information|inquire|enquire":
        "咨询",
    "policy|policies|new policy|government policy|government benefits|entitled|entitlement|"
    "eligible|qualify": "政策 政策咨询 惠民政策",
    # -- housing, land, farming ----------------------------------------------------------
    "house|housing|home|apartment|flat|dwelling": "住房 房屋",
    "rent|rental|public housing|public rental|public rental housing|low-rent|cheap housing|"
    "government housing|affordable housing|social housing|housing assistance":
        "公共租赁住房 公租房 租赁 住房保障",
    "dilapidated|unsafe house|unsafe|dangerous|collapse|collapsing|about to collapse|fall down|"
    "falling apart|fall apart|falling to pieces|"
    "falling down|crumbling|crack|cracked|cracks|leaking|leak|leaky roof|roof leaks|mud house|"
    "mud-brick|adobe|earthen house|old house|old home|run-down|rundown": "危房 危房改造 住房安全 土坯房",
    "repair house|renovation|renovate|rebuild|reconstruct|fix up|repair": "改造 修缮 翻建 维修",
    "build|built|building|construct|construction|new house|build a house|build a new house": "建房 农村建房",
    "homestead|rural land|housing land|house plot|plot of land|residential land": "宅基地",
    "tree|timber|logging|felling|cut down|cut trees|cut down trees|chop|wood|lumber|fir|pine":
        "林木 采伐 砍伐",
    "forest|hill|mountain|woodland": "林地 山林",
    "farmland|field|farming|farm|crop|agriculture|agricultural|grain|plant|planting|"
    "grow|growing|acre|mu": "耕地 农业 种植",
    "rice|wheat|corn|maize|vegetable|fruit|fruit tree|orchard|tea|strawberry|pepper|chili|"
    "citrus|orange|watermelon|greenhouse|seedling": "种植 农业技术",
    "pest|pests|insect|insects|bug|bugs|blight|mildew|rot|rotting|spot|spots|yellow leaves|"
    "leaves turning yellow|wilting|plant disease|crop disease": "病虫害 农业技术",
    "pig|pigs|chicken|chickens|duck|ducks|cattle|cow|cows|sheep|goat|livestock|poultry|"
    "fish farming|breeding|raising pigs|raising chickens": "养殖 畜牧 养猪",
    "vet|veterinarian|veterinary|animal doctor": "兽医 养殖",
    "fertiliser|fertilizer|pesticide|spray": "施肥 打药 农业技术",
    "technician|agricultural technician|expert|specialist|technical advice|technique|technology|"
    "technical": "技术 农技 农业技术",
    "machinery|machine|tractor|harvester|combine|combine harvester|rice transplanter|"
    "transplanter|drone|farm machine|farm machinery": "农机 农业机械 农机购置",
    "land": "土地",
    "lease|rent out|lease out|let out|sublet|contract land|land transfer|transfer land|"
    "cooperative|co-op|big grower|large grower|farming company": "土地流转 流转 出租",
    "market price|market prices|sell|selling|buyer|buyers|price of|sales": "市场 行情 销路",
    "water|tap water|water pipe|pipe|burst pipe|no water|water cut|water supply":
        "供水 用水 停水 水管 自来水",
    "electricity|power|electric|power cut|power outage|blackout|no power|no electricity|"
    "power is out|lights out|meter|electric meter": "供电 用电 停电 电表",
    "gas|gas leak|natural gas": "燃气",
    "install|installation|connect|connection|hook up": "报装 安装",
    "fix|broke|out of order": "报修 维修",
    # -- party ---------------------------------------------------------------------------
    "party member|communist party|party membership|member of the party|cpc|ccp|party": "党员 党组织",
    "join the party|become a party member|party application|apply to join the party|"
    "join the communist party|application to join": "入党申请 入党",
    "party organization|party organisation|organization|organisation|party relationship|"
    "membership transfer": "组织关系 党组织",
    "communist": "党员 入党",
    # -- time, place, manner ------------------------------------------------------------
    "how long|how many days|time limit|processing time|how soon|how quickly": "办理时限",
    "where|office|window|address|which office|which department|who do i see|who should i see":
        "地点 窗口",
    "online|internet|website|app|on my phone|mobile phone app": "网上办理",
    "elderly card|senior card|senior citizen card|old age card|senior citizen's card|"
    "card for the elderly|card for old people|card for seniors": "老年人优待证 老年证 老年卡",
    "bus card|free bus|free bus ride|free travel|free entry|free park entry|free buses|"
    "park|parks|scenic spot|scenic spots|tourist site|museum": "免费乘车 景区免票 公园 优待",
    "disability certificate|disability card|disabled card|disability id|disability certified|"
    "certify disability|certified as disabled|disability assessment|disability rating|"
    "assess disability|disability grade|disability level": "残疾人证 残疾评定 评残 残疾等级",
    "farming subsidy|farm subsidy|grain subsidy|agricultural subsidy|farmland subsidy|"
    "subsidy for farmland|subsidy for my farmland|subsidy for growing grain":
        "耕地地力保护补贴 种粮补贴 惠农补贴",
    "check|check whether|find out|look up|query|track|see if": "查询 查",
    "childbearing|fertility|birth control|contraception|marriage and childbearing|"
    "marital and childbearing|childbearing status|marriage and birth": "婚育证明 婚育 生育 流动人口",
    "urgent|urgently|asap|as soon as possible|quickly|fast|rush": "加急 即办",
    "preferential|priority|discount|concession|privilege|preferential treatment": "优待 优惠",
    "look after|take care|care for|caring|carer|caregiver|nursing|nursing allowance|care subsidy|"
    "care allowance|attendance allowance": "护理 护理补贴 照料",
    "home care|home-care|home visit|someone to help at home|help at home|meals|meal delivery|"
    "elderly canteen|day care": "居家养老 上门服务 助餐",
    "nursing home|old people's home|care home|welfare home": "敬老院 养老院 集中供养",
    "fire|burned|burnt|burned down|burnt down|flood|flooded|disaster|accident|earthquake|"
    "storm|landslide|car accident|traffic accident": "火灾 灾害 意外 事故",
    "report in|check in|register after|where to report|report to": "报到",
    "sign up|enrol|enroll|enrolment|enrollment|join|participate|take part|buy insurance|register for|"
    "start paying|pay into|pay in": "参保 参加 缴费 报名",
    "receive|collect|draw|get my pension|start receiving|start getting|begin receiving|"
    "begin to draw|start to draw|start drawing|be paid|paid out|payout|claim my pension":
        "领取 待遇 申领 发放",
    "turned 60|turn 60|age 60|sixty|60 years old|turned sixty|over 60|over sixty|reach 60|"
    "reached 60": "年满60周岁 领取 60周岁",
    "license|licence|permit|approval|approve|permission": "许可 审批 证",
    "rural|village|villager|countryside|farmer's|villagers|township": "农村 城乡居民",
    "file|filing|record|put on record|register in advance|registration in advance": "备案",
    "bill|receipt|invoice|fapiao": "票据 发票 费用",
    # -- more everyday phrasings ----------------------------------------------------------
    "living on almost nothing|below the poverty line|poverty line|basic income support|"
    "income support|basic income|poor household|poor households|poor family|poor families|"
    "low income household|nothing to live on": "低保 最低生活保障 困难",
    "nobody left|has nobody|no one left|nobody to care for|provide for him|provide for her|"
    "state provide|provided for|no one to rely on|nobody to rely on": "特困 供养 孤寡",
    "short-term relief|short term relief|short-term help|short term help|financial aid|"
    "no savings|lost our income|lost his income|suddenly": "临时救助 临时 救助 困难",
    "car crash|crash|hit by a car|run over": "交通事故 意外 车祸",
    "wrecked|destroyed|damaged|washed away|blown away": "灾害 损毁 受灾",
    "help with medical costs|after insurance|after the insurance|insurance payout|"
    "after reimbursement|left to pay|still have to pay": "医疗救助 自付 报销后",
    "one child policy|one-child policy|followed the policy|family planning policy":
        "独生子女 计划生育 奖励扶助",
    "marital status|marital|marriage status|married or not|marriage and children":
        "婚育证明 婚姻 婚育",
    "back home|home village|native place|where i was born": "迁回 老家 原籍",
    "hometown|home town": "老家",
    "use my medical insurance there|use my insurance there|use their insurance there|"
    "use their medical insurance there|use my hometown medical insurance|hometown medical insurance|"
    "insurance from home|insurance back home": "异地就医 备案 异地",
    "ran away|ran off|disappeared|vanished|absconded|without paying|run away with|took off":
        "欠薪 拖欠 包工头",
    "refund|refunded|insurance refund|refunded by insurance": "报销 结算",
    "pension payment|pension payments|pension money|my pension|get my pension|first pension|"
    "monthly pension": "养老金 领取 待遇 发放",
    "stopped coming|stopped paying|not arrived|hasn't arrived|has not arrived|not received|"
    "haven't received|have not received|never received|still not paid": "停发 没到账 领取",
    "turning 60|turning sixty|turn sixty|reaching 60|reaching sixty": "年满60周岁 领取 60周岁",
    "family dispute|family quarrel|family conflict|between brothers|siblings fighting":
        "家庭纠纷 婚姻家庭 调解",
    "member of the communist party|become a member|apply for membership|membership application":
        "入党 入党申请 党员",
    "struggling financially|struggling|living support|monthly living support|hard times":
        "困难 生活困难 低保",
    "can't work|cannot work|unable to work|can no longer work|too old to work|can't work anymore":
        "丧失劳动能力 无劳动能力 困难",
    "single|no kids|unmarried|never married|no wife|no husband|can't look after himself|"
    "cannot look after himself|can't look after herself|cannot look after herself":
        "孤寡 无子女 特困 生活不能自理",
    "register|registered|registration|get registered|register the baby|register our baby":
        "登记",
    "rented|renting|rented a flat|rented a room|rent a room|rented a house|tenant": "租房 居住",
    "rent our fields|rent my fields|rent our land|rent my land|rent the land|lease our land|"
    "lease my land|rent out our fields|rent out my land": "土地流转 出租 流转",
    "join the cpc|join cpc|join the ccp|join ccp|join the communist party of china": "入党 入党申请",
    "latest subsidies|new subsidies|what subsidies|which subsidies|learn about|latest policies|"
    "subsidies available|benefits available|what benefits": "政策 政策咨询 惠民政策",
    # -- formal names of common township services ---------------------------------------
    "livelihood guarantee|minimum livelihood|subsistence guarantee|minimum subsistence|"
    "minimum living guarantee|subsistence allowance|basic living security": "低保 最低生活保障",
    "medical assistance|medical aid|medical relief|medical help|medical financial assistance":
        "医疗救助",
    "pension benefits|basic pension benefits|old-age benefits|retirement benefits|pension benefit|"
    "pension entitlement|pension treatment": "养老金 待遇领取 领取 待遇",
    "individual industrial and commercial household|industrial and commercial|individual business|"
    "sole trader|sole proprietorship|individual household business": "个体工商户 营业执照",
    "application for party membership|party membership application|apply for party membership|"
    "apply to the party": "入党申请 入党",
    "entitled groups|entitled group|special care recipients|preferential care|veterans pension|"
    "veterans' pension|survivor pension|martyr pension|pension for veterans|living allowance for veterans":
        "优抚 抚恤 优抚对象 定期生活补助",
    "cultivated land|fertility protection|land fertility|arable land|soil fertility":
        "耕地 地力 耕地地力保护补贴",
    "land management rights|management rights|land use rights|land contract rights|"
    "rural land transfer|land contracting": "土地流转 经营权 流转",
    "social card|security card|social insurance card": "社会保障卡 社保卡",
    "from other province|from another province|outsider|not local|non-local|non local|"
    "not from here|foreigner": "非本地户籍 流动人口 外地",
    "live here|living here|stay here|staying here|live in town|reside": "居住 居住证",
    "buy|purchase|bought|buying": "购买 购置 买",
    "farmer|farmers|peasant|peasants": "农民 农村 城乡居民",
    "join party|join communist party|join the cp|join cp": "入党 入党申请",
    "no child|no kid|no son|no daughter|without children": "无子女 孤寡 特困",
    "house fire|fire at home|home burned|house burned|house burnt": "火灾 临时救助 受灾",
    "bus free|bus card free|free bus card|bus for free|ride free|ride for free": "免费乘车 老年人优待证 优待",
    # -- city and community life (urban street offices, residents' committees) ----------
    "landlord|landlady|property owner|homeowner|home owner|owner of the flat|owner of the house":
        "房东 出租人 业主 产权人",
    "tenant|tenants|renter|renters|lodger|lodgers|roommate|flatmate|sub-tenant|subtenant":
        "租客 承租人 租户 租房",
    "lease|leases|tenancy|rental contract|rental agreement|lease agreement|tenancy agreement|"
    "lease contract|rent contract|renting contract|tenancy contract": "租赁合同 租房合同 租赁 合同",
    "rent out|renting out|rented out|let out|letting|sublet|subletting|rent my flat|rent my apartment|"
    "rent out my flat|rent out my apartment|rent out my house|rent out a room|let my flat":
        "出租 出租房屋 房屋出租 租赁",
    "register the lease|register my lease|register the rental|register my rental|lease registration|"
    "rental registration|tenancy registration|file the lease|file the contract|lease filing|"
    "rental filing|record the lease|register the tenancy|register a rental contract|"
    "register my rental contract|register the rental contract": "租赁备案 登记备案 备案 房屋租赁",
    "rent|rents|rental|renting|monthly rent|the rent|pay rent|paying rent|rent money":
        "租房 房租 租金 租赁",
    "rent subsidy|rental subsidy|rent allowance|rental allowance|housing allowance|housing subsidy|"
    "help with rent|help with the rent|help paying rent|rent support|rent assistance|"
    "rental assistance|rent relief": "租房补贴 租赁补贴 房租补贴 住房保障",
    "rent is too high|rent is expensive|rent is too expensive|high rent|expensive rent|rent too high|"
    "can't afford the rent|cannot afford the rent|can't afford rent": "房租贵 租金 住房困难 租房补贴",
    "talent apartment|talent apartments|talent housing|apartment for talents|staff dormitory|"
    "dormitory|dorm|young workers|new residents|newcomer|newcomers|new citizens":
        "人才公寓 保障性租赁住房 新市民 宿舍",
    "waiting list|waitlist|queue|queueing|in the queue|waiting time|how long do we wait|lottery for housing":
        "轮候 排队 配租",
    "no house|no home|no flat|no apartment|don't own a home|do not own a home|don't own a house|"
    "nowhere to live|no place to live|homeless|housing difficulty|housing difficulties|"
    "live in a tiny room|overcrowded": "住房困难 无房 没房子",
    "just moved here|just moved in|moved here|newly arrived|new arrival|new here|came from another city|"
    "from out of town|relocated here|came here to work": "刚搬来 外地来的 流动人口 居住登记",
    "residence registration|register my residence|register my address|register where i live|"
    "address registration|temporary residence registration|register as a resident|registered as living here":
        "居住登记 流动人口登记 暂住登记",
    "temporary residence permit|temporary residence card|temporary resident permit|stay permit":
        "居住证 暂住证",
    "proof of address|proof of residence|address proof|residence proof|certificate of residence|"
    "residence certificate|proof that i live|proving i live|proof i live here|letter proving":
        "居住证明 住址证明 证明",
    "neighbourhood committee|neighborhood committee|residents committee|residents' committee|"
    "community committee|community office|community center|community centre|street office|"
    "subdistrict office|sub-district office": "社区 居委会 街道",
    "property management|property management company|property company|property manager|"
    "management company|building management|estate management|property service|property services":
        "物业 物业公司 物业服务",
    "property fee|property fees|management fee|management fees|service charge|service charges|"
    "property management fee": "物业费 物业",
    "homeowners association|homeowners' association|owners committee|owners' committee|"
    "homeowners committee|owners association|owners' association": "业委会 业主委员会 业主",
    "owner|owners|homeowners|residents of the building|all the owners|other owners|the other residents":
        "业主 居民",
    "maintenance fund|repair fund|sinking fund|building fund|housing maintenance fund|"
    "special maintenance fund|public maintenance fund|building maintenance fund|housing repair fund":
        "维修资金 维修基金 专项维修资金 公共维修",
    "elevator|elevators|lift|lifts|no elevator|no lift|without an elevator|without a lift":
        "电梯 加装电梯 没电梯",
    "install an elevator|install a lift|add an elevator|add a lift|adding an elevator|adding a lift|"
    "elevator installation|lift installation|retrofit an elevator|retrofit a lift|put in an elevator|"
    "put in a lift|build an elevator|new elevator|new lift|get an elevator|get a lift":
        "加装电梯 加梯 电梯",
    "stairs|climb the stairs|climbing stairs|walk up|walk upstairs|sixth floor|fifth floor|seventh floor|"
    "top floor|upper floor|sixth-floor|fifth-floor|storey|stories|floors|floor": "爬楼 楼层 楼",
    "building|buildings|apartment building|apartment block|block of flats|residential building|"
    "our building|my building|tower block|block": "楼 楼栋 住宅 小区",
    "old building|old buildings|old apartment|old apartments|old block|old estate|old housing estate|"
    "old residential area|old compound|old neighbourhood|old neighborhood|old residential compound|"
    "old community|old complex|aging building|old flats": "老旧小区 老楼 老旧住宅 老小区",
    "housing estate|residential compound|compound|residential area|complex|apartment complex|"
    "gated community": "小区 住宅小区",
    "decorate|decorating|decoration|interior decoration|remodel|remodeling|remodelling|"
    "refurbish|refurbishment|redo the kitchen|redo the bathroom": "装修",
    "noise|noises|noisy|loud|loudly|too loud|loud music|blasting music|racket|din|so much noise|"
    "making noise|makes noise|disturbing|disturbance|nuisance|keeps us awake|keeping us awake":
        "噪音 噪声 扰民",
    "construction site|building site|construction work|works at night|work at night|drilling|drill|"
    "jackhammer|pile driver|piling": "施工 工地 夜间施工",
    "square dance|square dancing|square dancers|plaza dance|dancing aunties|dance music":
        "广场舞 噪音 扰民",
    "leak|leaks|leaking|leaked|leakage|water leak|water leaking|leaking water|seep|seeping|seepage|"
    "water coming through|water damage|damp|mould|mold|dripping": "漏水 漏雨 渗水",
    "upstairs|the flat above|the apartment above|neighbour upstairs|neighbor upstairs|"
    "upstairs neighbour|upstairs neighbor|people upstairs|above us": "楼上 邻居",
    "downstairs|the flat below|the apartment below|neighbour downstairs|neighbor downstairs|"
    "downstairs neighbour|downstairs neighbor|people downstairs|below us": "楼下 邻居",
    "hallway|hallways|corridor|corridors|stairwell|stairwells|staircase|staircases|landing|"
    "common area|common areas|shared area|passage|passageway|lobby": "楼道 公共区域 通道",
    "blocked|blocking|block the|obstruct|obstructed|obstruction|occupy|occupied|occupying|"
    "piled up|piles of|clutter|cluttered|junk|stuff piled": "占用 堵塞 堆物 杂物",
    "fire exit|fire exits|fire escape|fire escapes|fire lane|fire lanes|fire access|emergency exit|"
    "emergency exits|fire passage|fire route|escape route": "消防通道 安全出口 消防",
    "fire hazard|fire hazards|fire risk|fire risks|fire safety|fire danger|safety hazard|"
    "safety hazards|safety risk|hazard|hazards|fire extinguisher|fire extinguishers|smoke alarm":
        "消防安全 消防隐患 隐患 安全隐患 灭火器",
    "charging|charge the battery|charging the battery|charging e-bikes|charge e-bikes|"
    "charge their e-bikes|charge electric bikes|battery charging|charging cable|extension cord|"
    "extension cable|cable from the window|wire from the window|power cord|flying wire|dangling wire":
        "充电 飞线充电 私拉电线 电线",
    "illegal|illegally|unauthorized|unauthorised|without permission|without a permit|"
    "without approval|unlicensed|not allowed|against the rules|breaking the rules": "违法 违章 违规 私自",
    "illegal construction|illegal building|illegal buildings|illegal structure|illegal structures|"
    "illegal extension|illegal extensions|unauthorized construction|unauthorised construction|"
    "unauthorized building|unauthorized structure|illegal shed|illegal room|building without permission|"
    "built without permission": "违建 违法建设 违章搭建 私搭乱建",
    "extension|shed|sheds|shack|lean-to|add a room|added a room|add a floor|added a floor|"
    "extra floor|extra room|enclose the balcony|enclosed the balcony|fenced off|fence off|"
    "took over the green|took over the lawn": "搭建 加盖 私搭乱建 封阳台 占用绿地",
    "balcony|balconies|rooftop|roof top|roof|roofs|on the roof|flat roof|terrace":
        "阳台 楼顶 屋顶 房顶",
    "wall|walls": "墙 围墙 外墙",
    "outer wall|exterior wall|facade|external wall|tiles falling|plaster falling|peeling":
        "外墙 墙体 脱落",
    "parking|park my car|park the car|park our car|parking space|parking spaces|parking spot|"
    "parking spots|parking lot|car park|car parking|parking permit|parking pass|parking fee|"
    "parking fees|parked|parking place": "停车 停车位 车位 停车费",
    "garbage|trash|rubbish|waste|litter|refuse|household waste|domestic waste|household garbage":
        "垃圾 生活垃圾",
    "garbage sorting|waste sorting|trash sorting|rubbish sorting|sorting garbage|sorting waste|"
    "sort garbage|sort the garbage|sort trash|sort rubbish|sort waste|sort the rubbish|separate garbage|"
    "separate the trash|classify garbage|garbage classification|waste classification|"
    "recycling|recycle|recyclable|recyclables": "垃圾分类 分类 可回收物",
    "bin|bins|trash can|trash cans|garbage can|garbage cans|dustbin|dustbins|wheelie bin|"
    "rubbish bin|rubbish bins|garbage bin|garbage bins|garbage room|bin room|bin station|"
    "collection point|garbage station": "垃圾桶 垃圾房 垃圾站 投放点",
    "kitchen waste|food waste|food scraps|wet waste|organic waste|leftovers": "厨余 厨余垃圾 湿垃圾",
    "garbage collection|rubbish collection|trash collection|waste collection|pick up garbage|"
    "collect garbage|collect the garbage|collect the rubbish|take away the garbage|haul away|"
    "garbage truck|not collected|never collected|isn't collected|piling up": "清运 垃圾清运 收运",
    "smell|smells|stink|stinks|stinking|smelly|odor|odour|odors|odours|stench|bad smell|"
    "foul smell|flies|rats|mosquitoes|cockroaches": "异味 臭 卫生",
    "bulky waste|bulky item|bulky items|old furniture|furniture|sofa|sofas|couch|couches|mattress|"
    "mattresses|wardrobe|wardrobes|old bed|cabinet|old appliances|get rid of": "大件垃圾 旧家具 家具",
    "construction waste|renovation waste|renovation debris|building waste|debris|rubble|"
    "bags of rubble|construction debris|decoration waste": "装修垃圾 建筑垃圾",
    "dog|dogs|puppy|puppies|pup|pet dog|my dog|our dog|doggy|poodle|teddy|husky|golden retriever|"
    "labrador|corgi|shiba|big dog|large dog|small dog": "狗 犬 犬只 养犬 养狗 宠物犬",
    "cat|cats|kitten|kittens|pet|pets|pet cat|pet animal": "宠物 猫",
    "dog license|dog licence|dog licenses|dog licences|dog registration|register my dog|register the dog|"
    "register a dog|dog tag|dog tags|dog permit|dog certificate|dog id|license for my dog|"
    "licence for my dog|dog card|dog ownership": "养犬登记 犬只登记 狗证 犬牌 养犬",
    "rabies|rabies vaccine|rabies vaccination|rabies shot|rabies jab|anti-rabies|immunization card|"
    "vaccination card|vaccination certificate|microchip|chip the dog|chipped":
        "狂犬疫苗 狂犬病 免疫 免疫证明 芯片",
    "leash|walk the dog|walking the dog|dog walking|dog poop|dog poo|dog mess|dog barking|"
    "barking|barks": "遛狗 拴绳 养犬",
    "street stall|street stalls|stall|stalls|food stall|food stalls|market stall|vendor|vendors|"
    "street vendor|street vendors|hawker|hawkers|peddler|peddlers|pedlar|set up a stall|setting up a stall|"
    "sell on the street|selling on the street|sell things on the street|night market|night markets|"
    "booth|cart|food cart|snack cart|sell snacks|roadside": "摆摊 地摊 摊位 摊点 流动摊贩 夜市 占道经营",
    "city management|urban management|chengguan|city inspector|city inspectors|urban inspectors|"
    "law enforcement team|enforcement officers": "城管 城市管理 综合执法",
    "volunteer|volunteers|volunteering|volunteer work|volunteer service|volunteer services|"
    "charity work|do charity|community service|do good|public good|public welfare|good deeds|"
    "give back|unpaid work|serve the community": "志愿者 志愿服务 志愿 义工 公益",
    "volunteer hours|volunteering hours|hours of volunteering|service hours|volunteer record|"
    "volunteer certificate|certificate of volunteer|proof of volunteering|proof of volunteer":
        "志愿时长 志愿服务证明 志愿服务记录证明 时长证明",
    "activity room|activity rooms|activity center|activity centre|community room|community hall|"
    "meeting room|meeting rooms|function room|venue|venues|hall|practice room|rehearsal room|"
    "dance room|dance studio|space for|a room for|a place to practise|a place to practice|"
    "book a room|borrow a room|use the room|use a room|room booking": "活动室 场地 会议室 借用 预约",
    "rehearse|rehearsal|rehearsals|practise|practice|choir|chorus|choir practice|dance group|"
    "dance team|calligraphy|painting class|table tennis|ping pong|ping-pong|chess|mahjong|"
    "opera|drum|yoga class|tai chi|taichi": "排练 合唱 舞蹈 书法 乒乓球 文体活动",
    "book|booking|reserve|reservation|make a reservation|make an appointment|appointment":
        "预约 借用",
    "party dues|party fee|party fees|membership fee|membership fees|membership dues": "党费",
    "introduction letter|letter of introduction|transfer letter|party letter|organization letter":
        "介绍信 组织关系介绍信",
    "party branch|party cell|party committee|community party committee|party organisation here":
        "党支部 党委 党组织",
    "retired party member|retired party members|party member who retired|party members who retired":
        "退休党员 党员 组织关系",
    "mobile party member|migrant party member|floating party member|party member working away|"
    "party member working elsewhere|party member from another city|party members working elsewhere|"
    "party members from other places|out-of-town party member": "流动党员 党员 外出党员",
    "report to the community|report to my community|report to the neighbourhood|report to the neighborhood|"
    "register with the community|register with my community|register with the neighbourhood committee|"
    "register with the neighborhood committee|check in with the community": "社区报到 报到 双报到",
    "community correction|community corrections|probation|on probation|probation officer|parole|"
    "on parole|paroled|suspended sentence|suspended sentences|released on parole|medical parole|"
    "serving a sentence outside|sentence outside prison|non-custodial|non custodial":
        "社区矫正 缓刑 假释 监外执行 暂予监外执行",
    "released from prison|out of prison|got out of prison|just got out|ex-prisoner|ex-convict|"
    "former prisoner|after prison|prison|jail|court verdict|verdict|sentenced|convicted":
        "刑满释放 判决书 服刑 安置帮教",
    "marital status certificate|proof of marital status|marital status proof|certificate of marital status|"
    "proof that i'm single|proof i am single|proof of being single|single certificate|"
    "unmarried certificate|certificate of no marriage|proof i'm unmarried|proof of unmarried status":
        "婚育证明 未婚证明 婚姻状况证明 婚育情况证明",
    "family planning certificate|birth control certificate|childbearing certificate|"
    "birth status certificate|fertility certificate": "计生证明 婚育证明 生育情况",
    "only child certificate|one-child certificate|one child certificate|only-child certificate|"
    "honor certificate|honour certificate|glory certificate|certificate of honor":
        "独生子女证 独生子女父母光荣证 光荣证",
    "only child reward|only-child reward|one-child reward|one child reward|one-child bonus|"
    "only child bonus|only child allowance|one child allowance|only child subsidy|only-child subsidy":
        "独生子女父母奖励 奖励费 独生子女费 独生子女奖励",
    "meal|meals|lunch|lunches|dinner|dinners|breakfast|canteen|canteens|dining hall|cafeteria|"
    "mess hall|hot meal|hot meals|eat|eating|food for seniors|meals for the elderly|meals for seniors|"
    "meals for old people|senior canteen|elderly canteen|community canteen|community kitchen|"
    "seniors' canteen|meal subsidy|meal card|meal service|meal services|cheap meals|subsidised meals|"
    "subsidized meals": "助餐 老年食堂 食堂 饭堂 老人吃饭 就餐",
    "meals on wheels|deliver meals|delivered meals|meal delivery|food delivery for the elderly|"
    "bring food|bring meals|deliver food|delivered to her door|delivered to his door|"
    "delivered to the door|delivered home|delivered to her home|delivered to his home":
        "送餐 送餐上门 助餐 上门服务",
    "elderly care|old age care|senior care|aged care|care for the elderly|eldercare|elder care|"
    "care for seniors|care for old people|care services for the elderly|elderly services|"
    "services for the elderly|services for seniors": "养老服务 居家养老 养老",
    "bathing|help bathing|help with bathing|bath|shower|cleaning|housekeeping|house cleaning|"
    "cleaning the house|companion|companionship|accompany|escort|chores|housework":
        "助浴 保洁 陪护 上门服务 家政",
    "voucher|vouchers|service voucher|service vouchers|service coupon": "服务券",
    "long-term care|long term care|long-term care insurance|long term care insurance|ltc|ltci|"
    "care insurance|nursing insurance|nursing care insurance|insurance for nursing care|"
    "insurance that pays for care|insurance that pays for his care|insurance that pays for her care":
        "长期护理保险 长护险 护理保险 失能",
    "assessment|assess|assessed|evaluation|evaluate|evaluated|appraisal|appraise":
        "评估 评定 鉴定",
    "care assessment|needs assessment|capability assessment|ability assessment|functional assessment|"
    "dependency assessment|disability assessment for care|nursing assessment|care level|level of care":
        "失能评估 能力评估 评估 护理等级",
    "frail|disabled elderly|incapacitated|can't take care of herself|cannot take care of herself|"
    "can't take care of themselves|cannot take care of themselves|can't look after themselves|"
    "dependent|totally dependent|semi-disabled|partly disabled": "失能 半失能 生活不能自理 失能老人",
    "grab bar|grab bars|grab rail|grab rails|handrail|handrails|rail|rails|non-slip|anti-slip|slippery|"
    "slip and fall|slipped|fell in the bathroom|fall in the bathroom|"
    "safer home|safer for old age|home modification|home modifications|home adaptation|home adaptations|"
    "age-friendly|age friendly|elderly-friendly|elderly friendly|senior-friendly|adapt the home|"
    "adapt her home|adapt his home|make the home safer|modify the bathroom":
        "扶手 防滑 适老化改造 居家适老化 安全扶手",
    "emergency button|alarm button|call button|emergency alarm|panic button|emergency call device|"
    "emergency pendant|alert device": "紧急呼叫 呼叫器",
    "childcare|child care|daycare|day-care|nursery|nurseries|creche|crèche|toddler|toddlers|"
    "preschool|pre-school|infant care|baby care|childminder|childminding|look after our baby|"
    "look after our toddler|look after our two-year-old|look after my toddler|babysit|babysitting|"
    "babysitter|two-year-old|two year old|one-year-old|one year old|under three|under 3|"
    "under three years old|under 3 years old|below three": "托育 托班 托儿所 婴幼儿 幼儿 三周岁以下",
    "childcare subsidy|childcare subsidies|child care subsidy|child subsidy|child allowance|"
    "child benefit|child benefits|baby bonus|parenting subsidy|parenting allowance|childrearing subsidy|"
    "child-rearing subsidy|baby subsidy|money for having a baby|money for having a child|"
    "money for having a second child|money for a newborn|subsidy for babies|subsidy for children":
        "育儿补贴 婴幼儿补贴 生育补贴 补贴",
    "after-school|after school|after-school care|after school care|after-school program|"
    "after-school programme|after school program|after school class|homework club|summer camp|"
    "summer holiday|summer holidays|summer vacation|summer break|winter holiday|winter holidays|"
    "winter vacation|school holidays|holiday care|holiday club|day camp|school's out":
        "托管 暑期 暑假 放学后 四点半课堂 暑托班 寒假",
    "autism|autistic|asd|on the spectrum": "孤独症 自闭症 残疾",
    "rehabilitation|rehab|therapy|therapies|speech therapy|occupational therapy|physical therapy|"
    "physiotherapy|rehab training|rehabilitation training|early intervention": "康复 康复训练 康复救助",
    "developmental delay|development delay|speech delay|language delay|late talker|"
    "doesn't talk|does not talk|can't talk yet|not talking yet|slow development": "发育迟缓 语言发育迟缓",
    "conscription|conscripted|enlist|enlisting|enlistment|join the army|joining the army|"
    "join the military|joining the military|join the pla|sign up for the army|sign up for the military|"
    "become a soldier|be a soldier|military registration|military service registration|"
    "register for military service|draft|drafted|recruit for the army|army recruitment|"
    "military recruitment": "征兵 兵役登记 参军 当兵 入伍",
    "graduate|graduates|graduated|graduating|graduation|college graduate|university graduate|"
    "new graduate|fresh graduate|recent graduate|just graduated|school leaver|school leavers|"
    "degree|diploma|master's degree|masters degree|bachelor's degree|phd": "高校毕业生 毕业生 应届 毕业 学历",
    "internship|internships|intern|interns|traineeship|traineeships|trainee|work placement|"
    "work experience program|work experience programme": "见习 就业见习 实习",
    "personnel file|personnel files|personal file|personal files|personal archive|archive|archives|"
    "dossier|hukou file|employment file|file transfer|my file": "档案 人事档案 档案托管",
    "report certificate|registration certificate for graduates|graduate registration|report for duty":
        "报到证 报到",
    "dividend|dividends|share out|payout from the village|bonus from the village|year-end bonus|"
    "shares|share|shareholder|shareholders|share certificate|stock certificate|equity":
        "分红 股份 股权 股权证 股东",
    "collective|village collective|collective economy|collective economic organization|"
    "collective economic organisation|village cooperative|joint-stock cooperative|economic cooperative|"
    "village company|village assets": "集体经济 股份经济合作社 集体 合作社",
    "labor inspection|labour inspection|labor inspectorate|labour inspectorate|labor bureau|labour bureau|"
    "labor department|labour department|labor supervision|labour supervision|labor complaint|"
    "labour complaint": "劳动监察 劳动保障监察 投诉",
    "labor contract|labour contract|employment contract|work contract|job contract|"
    "sign a contract|signed a contract|no contract|without a contract": "劳动合同 合同",
    "resign|resigned|resignation|quit|quitting|quit my job|left my job|left the company|"
    "leave my job|change jobs|job change": "辞职 离职",
    "public welfare job|public welfare jobs|public service job|public service jobs|community job|"
    "community jobs|government-funded job|government-funded jobs|subsidized job|subsidised job|"
    "job for people who can't find work|cleaner|cleaners|cleaning job|security guard|security job|"
    "janitor|caretaker job|street sweeper|assistant post|coordinator post":
        "公益性岗位 公益岗 保洁 保安 协管员",
    "hard to find a job|difficult to find a job|can't find a job|cannot find a job|couldn't find a job|"
    "unable to find work|struggle to find work|too old to find a job|older job seeker|over 40|over 50|"
    "over forty|over fifty|in my forties|in my fifties": "就业困难人员 就业困难 就业援助 4050人员",
    "flexible employment|flexibly employed|freelance|freelancer|freelancers|freelancing|gig worker|"
    "gig work|odd jobs|delivery rider|food delivery rider|ride-hailing driver|online driver|"
    "part-time|part time|without an employer|no employer|not employed by a company|"
    "work for myself|working for myself|on my own account|no work unit|not working for a company|"
    "don't have an employer|do not have an employer": "灵活就业 自由职业 个人 个体 没有单位 无单位",
    "pay social insurance myself|pay my own social insurance|pay social security myself|"
    "pay my own social security|pay social security on my own|pay social insurance on my own|"
    "pay my own pension|pay into my pension myself|continue paying social insurance|"
    "keep paying social insurance|keep paying my social security":
        "个人交社保 灵活就业参保 以个人身份参保 参保",
    "gap in payments|gap in contributions|break in payments|break in contributions|stopped paying|"
    "stop paying|missed payments|missed a year|missed the payment|contributions stopped|"
    "payments stopped|lapse|lapsed|interrupted": "断缴 补缴 中断",
    "forgot to pay|forgot to pay this year|forgotten to pay|late payment|pay late|paying late|"
    "pay for last year|pay the missing|make up the payment|pay arrears": "补缴 缴费",
    "student|students|pupil|pupils|schoolchild|schoolchildren|school kid|school kids|"
    "primary school kid|primary school kids|primary school child|primary school children|"
    "primary school pupil|primary school pupils": "学生 在校学生 小学生",
    "unemployment insurance|unemployment benefit|unemployment benefits|unemployment pay|"
    "unemployment money|unemployment allowance|jobless benefit|jobless benefits|dole|on the dole|"
    "unemployment compensation|unemployment insurance benefits": "失业保险金 失业金 失业保险 失业保险待遇",
    "maternity pay|maternity benefit|maternity benefits|maternity allowance|maternity leave pay|"
    "maternity insurance|paid maternity leave|maternity leave|birth insurance|childbirth insurance|"
    "childbirth allowance|maternity subsidy|prenatal check|prenatal checks|antenatal":
        "生育津贴 生育保险 产假 生育",
    "verify|verifying|verified|verification|certification|certify|authentication|authenticate|"
    "face recognition|facial recognition|face scan|face check|scan my face|scan her face|scan his face|"
    "prove i'm alive|prove i am alive|prove she is alive|prove he is alive|proof of life|"
    "life certificate|alive|survival check|survival certification|identity check|qualification check|"
    "eligibility check|eligibility verification": "认证 资格认证 生存认证 刷脸 人脸识别",
    "annual review|annual check|yearly check|annual inspection|yearly inspection|annual renewal|"
    "renew every year|review every year|check every year": "年审 年检 每年",
    "annual|annually|yearly|every year|each year|once a year": "每年 年度",
    "pensioner|pensioners|retiree|retirees|retired|retired person|retired people|retired worker|"
    "retired workers|retire|retiring|after retirement": "退休人员 退休 退休职工",
    "funeral allowance|funeral grant|funeral expenses|funeral expense|funeral subsidy|funeral costs|"
    "funeral cost|burial allowance|burial expenses|burial subsidy|burial costs|cremation costs|"
    "cremation fee|cremation fees|death grant|funeral fees|funeral fee":
        "殡葬补贴 丧葬补助金 丧葬费 殡葬 丧葬 火化",
    "death benefit|death benefits|survivor benefit|survivor benefits|survivors' benefits|"
    "survivors pension|survivors' pension|bereavement|bereavement payment|pension after death|"
    "benefits after death|benefits when a pensioner dies|compassionate allowance":
        "丧葬补助金 抚恤金 死亡待遇 丧葬费",
    "account balance|balance in the account|remaining balance|what's left in the account|"
    "money left in the account|money in the account": "个人账户余额 余额 个人账户",
    "e-bike|e-bikes|ebike|ebikes|electric bike|electric bikes|electric bicycle|electric bicycles|"
    "electric scooter|electric scooters|e-scooter|e-scooters|scooter|scooters|moped|mopeds|"
    "battery bike|battery scooter|electric motorbike": "电动车 电动自行车 电瓶车",
    "license plate|licence plate|number plate|registration plate|plate|plates|plate number|"
    "put a plate|get a plate|get plates": "牌照 上牌 号牌 车牌",
    "suggestion|suggestions|suggest|feedback|opinion|opinions|idea|ideas|proposal|comments":
        "建议 意见 反映",
    "anonymous|anonymously|without my name|keep my name secret|confidential": "匿名 保密",
    "guardian|guardians|guardianship|custody|legal guardian|raising him|raising her|"
    "bringing up|bring up": "监护 监护人 抚养",
    "children in distress|child in distress|vulnerable children|vulnerable child|"
    "children in difficulty|child in difficulty|children in need|child in need|"
    "nobody to raise|no one to raise|no one raising|nobody raising|parents in prison|parent in prison|"
    "father in prison|mother in prison|parents missing|parents disappeared|parents can't raise|"
    "raised by grandparents|grandparents raising": "困境儿童 事实无人抚养儿童 孤儿 父母服刑",
    "assistive device|assistive devices|assistive equipment|mobility aid|mobility aids|aid device|"
    "aids for disabled|disability aid|disability aids|disability equipment|rehabilitation equipment|"
    "crutches|cane|canes|walking stick|walking sticks|white cane|commode|commode chair|shower chair|"
    "walking frame|zimmer frame|rollator|hearing aids|artificial leg|artificial arm|orthopedic|orthosis":
        "辅助器具 辅具 拐杖 盲杖 助行器 坐便椅 轮椅 助听器 假肢 辅具适配",
    "income certificate|proof of income|income proof|salary certificate|income statement":
        "收入证明 家庭收入证明",
    "deposit|security deposit|rental deposit|deposit back": "押金",
    "free|for free|free of charge|without charge|at no cost|no charge|costs nothing|cost nothing":
        "免费",
    "monthly|every month|each month|per month|a month|month by month": "按月 每月",
    "young|youth|young people|young person|young workers": "青年 年轻人 年轻",
    "cheap|cheaper|cheapest|affordable|inexpensive|low cost|low-cost|low price|discounted|"
    "below market|below market price": "便宜 优惠 低于市场",
    "residents|resident|inhabitants|local residents|people who live here": "居民",
    "urban|city resident|city residents|urban resident|urban residents|in the city": "城市 城镇",
    "business|businesses|small business|run a business|running a business": "经营 创业 个体工商户",
    "welfare home|social welfare institute|orphanage": "福利院 儿童福利",
    "guide dog|guide dogs|service dog|assistance dog": "导盲犬 扶助犬",
    "hospital bill for childbirth|delivery bill|birth bill|cost of giving birth|giving birth|gave birth|"
    "give birth|childbirth costs|delivery costs": "分娩 生育 住院费用 出生",
    "housewife|housewives|stay-at-home mom|stay-at-home mum|stay at home mother|homemaker|full-time mother":
        "家庭主妇 无单位 城乡居民",
    # -- more everyday words ---------------------------------------------------------
    "seventy|seventies|in his seventies|in her seventies|over seventy|over 70|in their seventies|"
    "sixty-five|over 65": "老年人 老年",
    "factory|factories|workshop|plant|company|firm": "工厂 企业 用人单位 单位",
    "reside|residing|residential|place of residence": "居住",
    "live with me|live with us|live with my son|live with my daughter|live with their son|"
    "live with their daughter|live with her son|live with his son|move in with|moving in with|"
    "join me here|join us here|come and live with": "投靠 随迁 迁入",
    "subsidise|subsidize|subsidised|subsidized|subsidising|subsidizing": "补贴",
    "owe|owes|owed|owing|in debt": "拖欠 欠",
    "care|caring": "照料 护理 照顾",
    "bus|buses|public transport|public transportation|transit|ride|riding|ride the bus": "公交 乘车 免费乘车",
    "status|condition|situation|circumstances": "状况 情况",
    "dying": "死亡 去世",
    "income|incomes|earnings|earn|earning|salary level": "收入",
    "rate|rates|percentage|proportion|ratio|what percent|how many percent": "比例 标准",
    "abroad|overseas|go abroad|study abroad|foreign country": "出国 国外",
    "sign|signed|signature|signing": "签字 签订",
    "special|special case|special circumstances|special needs": "特殊",
    "injury|injuries|injured|hurt|wounded|accident at work": "受伤 伤残 工伤",
    "work injury|work-related injury|injured at work|hurt at work|workplace injury|industrial injury|"
    "occupational injury|injured on the job|hurt on the job|work accident": "工伤 工伤认定",
    "guarantee|guaranteed|safety net|basic guarantee|security": "保障 兜底",
    "basic|basics": "基本",
    "withdraw|withdrawal|withdrawing|take out money|take money out": "提取 领取",
    "photo|photos|picture|pictures|photograph|photographs|id photo": "照片",
    "plan|planning|plans": "计划",
    "scholarship|scholarships|student grant|tuition waiver": "奖学金 助学金",
    "notarize|notarise|notary|notarization|notarisation|notarized": "公证 公证处",
    "knock down|knocking down|tear down|tearing down|demolish|demolishing|demolition|pull down|"
    "pull it down|knock it down": "拆旧建新 拆除 翻建",
    "room|rooms|bedroom": "房间 房屋",
    "leaf|leaves|stem|stems|root|roots|fruit drop|brown patches|brown spots|patches|patch":
        "叶子 病虫害 农业技术",
    "paddy|paddy field|paddy fields|rice field|rice fields|rice paddy": "水稻 稻田 种植",
    "savings|all our savings|life savings|spent our savings|used up our savings": "积蓄 存款 困难",
    "longevity|longevity allowance|long life": "长寿 高龄",
    "deadline|due date|last day|time limit to apply|until when|by when": "截止 期限 办理时限",
    "level|levels|grade|grades|rank": "等级 级别",
    "activate|activation|activated|switch on": "激活",
    "resolve|solve|resolving|solving|settle the matter|deal with it": "解决 调解 处理",
    "drainage|ditch|ditches|drain|drains|sewer|sewage|blocked drain": "排水 水沟 下水道",
    "return|returned|returning|came back|come back|coming back|go back home|went back home": "返乡 回乡 回来",
    "protect|protecting|protection|protected": "保护",
    "bankrupt|bankrupted|bankruptcy|went bankrupt|went under|closed down|shut down|company closed":
        "倒闭 破产 失业",
    "coverage|covers|covered by|what does it cover|benefits covered": "报销 保障 待遇",
    "sichuan|guangdong|zhejiang|jiangsu|fujian|hunan|hubei|henan|hebei|shandong|anhui|jiangxi|guangxi|"
    "yunnan|guizhou|shaanxi|shanxi|gansu|hainan|xinjiang|heilongjiang|jilin|liaoning|chongqing|"
    "tianjin|chengdu|wuhan|hangzhou|nanjing|suzhou|dongguan|xiamen|xian|zhengzhou|changsha|"
    "kunming|guiyang|nanning|fuzhou|jinan|qingdao|shenyang|harbin|hefei|nanchang|taiyuan|lanzhou":
        "异地 外地 外省",
    "war|wars|the war|korean war|vietnam war": "战争 参战 抚恤",
    "tomato|tomatoes|potato|potatoes|cabbage|cucumber|peanut|peanuts|soybean|soybeans|cotton|"
    "tobacco|mushroom|mushrooms|kiwi|grape|grapes|apple|apples|peach|peaches|pear|pears":
        "种植 农业技术",
    "pain|painful|hurts|ache|aching|sore": "疼 症状",
    "interment|inter|buried|burying|grave|tomb": "安葬 殡葬 丧葬",
    "organizational|organisational|organization relationship|organisational relationship":
        "组织关系 组织",
    "expensive|too expensive|costly|so expensive|very expensive|too much money|a lot of money":
        "贵 费用 负担",
    "waive|waived|waiver|exempt|exempted|exemption|reduce|reduced|reduction|discount on":
        "减免 免除 免费",
    "disabled persons federation|disabled persons' federation|disabled people's federation|"
    "federation for the disabled|disability federation|disabled federation|federation of the disabled":
        "残联 残疾人联合会",
    "struggle|struggles|struggled": "困难 生活困难",
    "poplar|poplars|willow|bamboo|camphor|tree trunk|big tree|old tree": "树 树木 林木 采伐",
    "scaffolding|crane|excavation|digging": "施工 工地",
    "talk to|speak to|talk with|speak with|someone to talk to|discuss": "咨询",
    "stopped|stop|stops|suspended|suspend|cut off": "停 停发 暂停",
    "recognize|recognise|recognized|recognised|recognition|identify|identified|confirm|confirmed":
        "认定 认证 确认",
    "unit|work unit|employer unit|my unit|our unit": "单位",
    "hours|hour": "时长 小时",
    "account|accounts|bank account number": "账户 账号",
    # -- more services of township and street centers ----------------------------------
    "birth permit|birth service certificate|birth service registration|pregnancy registration|"
    "register my pregnancy|register a pregnancy|register the pregnancy|childbirth registration|"
    "family planning service certificate|maternity registration|register our second child|"
    "register our third child|birth registration card": "生育登记 准生证 生育服务证 生育服务登记",
    "employment certificate|employment registration card|unemployment certificate|job seeker card|"
    "employment and entrepreneurship certificate|employment card": "就业创业证 失业证 就业登记",
    "food license|food licence|food business license|food business licence|food permit|"
    "food hygiene permit|food safety permit|sell food|selling food|food shop license":
        "食品经营许可 食品经营 小餐饮",
    "health certificate|health cert|health card for food workers|food handler certificate": "健康证",
    "tobacco license|tobacco licence|cigarette license|cigarette licence|sell cigarettes|"
    "selling cigarettes|tobacco retail": "烟草专卖 烟草 零售许可",
    "shop sign|shop signs|signboard|signboards|billboard|billboards|advertising sign|outdoor advertising|"
    "store sign|put up a sign|hang a sign": "招牌 广告 户外广告 店招",
    "safety appraisal|house inspection|building safety check|structural check|structural safety|"
    "house safety assessment|is my house safe|safety assessment of my house": "房屋安全鉴定 鉴定 住房安全",
    "education assistance|education aid|educational assistance|help with school fees|school fee|"
    "school fees|tuition assistance|tuition help|student aid|study allowance|education subsidy":
        "教育救助 助学 学费",
    "proof of relationship|kinship certificate|relationship certificate|family relationship proof|"
    "proof of kinship|certificate of relationship|prove we are related|prove he is my father|"
    "prove she is my mother": "亲属关系证明 关系证明",
    "death certificate|certificate of death|death proof|proof of death|medical death certificate":
        "死亡证明 死亡医学证明 火化证明",
    "retirement procedures|apply for retirement|retirement application|go through retirement|"
    "retirement formalities|process my retirement": "退休手续 退休 退休审批",
    "labor arbitration|labour arbitration|arbitration|employment arbitration|labor dispute|"
    "labour dispute|employment dispute": "劳动仲裁 仲裁 劳动争议",
    "transfer my social insurance|transfer social security|transfer my social security|"
    "move my social insurance|move my pension|transfer my pension|pension transfer|"
    "social insurance transfer|transfer my medical insurance|move my medical insurance":
        "社保转移 转移接续 关系转移",
    # -- everyday topics a township center does not serve (see offtopic.py) --------------
    "bank|bank card|bank account|atm|debit card|online banking|mobile banking|internet banking":
        "银行卡 银行",
    "credit card|credit cards": "信用卡",
    "pin|password|pin code": "密码",
    "mortgage|interest rate|home loan|house loan|car loan": "房贷 利率",
    "stock|stocks|shares|lottery|bitcoin": "股票 彩票",
    "weather|rain|raining|temperature|forecast|snow|sunny": "天气",
    "train|train ticket|ticket|flight|plane|bus ticket|high-speed rail": "车票 火车票 机票",
    "restaurant|restaurants|food|cook|recipe|delicious|good place to eat|where to eat|eat out": "餐厅 吃饭",
    "school|university|college|kindergarten|exam|enrol in school|homework|tuition": "学校 上学 考试",
    "vaccine|vaccination|vaccinate|jab|shot|injection": "疫苗 打疫苗",
    "sim|sim card|phone card|phone bill|mobile phone|phone|smartphone|wifi|broadband|signal":
        "手机 话费 宽带",
    "parcel|package|delivery|courier|taobao|online shopping|online shop|online store|shopping":
        "快递 网购 商家",
    "movie|film|music|song|sing|game|joke|story|funny": "电影 笑话 唱歌",
    "name my baby|baby name|name for my baby|choose a name|name for my son|name for my daughter":
        "起名 取名",
    "blood pressure reading|is it serious|what medicine should|which medicine|symptom|symptoms|"
    "fever|cough|headache|toothache|cold|flu|dizzy|dizziness|nausea|vomit|stomach ache|"
    "stomachache|diarrhea|diarrhoea|insomnia|allergy|rash|blood sugar|cholesterol|what should i eat|"
    "leg pain|back pain|knee pain|joint pain|chest pain|can't sleep|cannot sleep|trouble sleeping|"
    "hair loss|sore throat|"
    "what to eat|diet|lose weight|x-ray|ct scan|check-up|checkup|physical exam|appointment with":
        "看病 症状 吃什么药 体检",
    "wedding|get married|marriage registration|marriage certificate|marry my|engagement|"
    "register our marriage|register my marriage|register the marriage|register marriage|"
    "registering our marriage|marriage register|marriage license|marriage licence|"
    "divorce certificate|divorce papers": "结婚登记 结婚证 离婚",
    "traffic|traffic jam|road|route|directions|how far|distance|map|navigation|bus station|"
    "bus timetable|taxi|uber|didi": "路线 导航 打车",
    "online order|seller|customer service|warranty|fake|return the goods|refund my money":
        "退货 网购 商家",
    "wechat|alipay|qq|tiktok|douyin|online account|login|log in|sign in|verification code|app store|"
    "download": "微信 支付宝 账号",
    "teacher|class|classes|grade|exam results|test score|scores|homework|tutor|tuition fee|"
    "primary school|middle school|high school|kindergarten place|school place": "学校 上学 考试",
    "hotel|travel|trip|tour|holiday|vacation|sightseeing": "旅游 酒店",
    "song|poem|write me|write a|tell me a|chat|bored|lonely tonight|girlfriend|boyfriend":
        "唱歌 写诗 聊天",
    "police|call the police|theft|stolen bike|thief|robbed|scam|scammed|fraud": "报警 诈骗",
    "pension account|personal account|individual account|account balance": "个人账户 养老保险",
    "laptop|laptops|computer|computers|pc|tablet|ipad|printer|tv|television|fridge|refrigerator|"
    "washing machine|air conditioner|air conditioning|microwave|appliance|appliances|headphones":
        "电脑 家电 冰箱 洗衣机 空调",
    "subway|metro|underground|subway station|metro station|metro line|bus stop|bus route|light rail":
        "地铁 路线",
    "gym|gyms|fitness|fitness center|swimming pool|swimming|workout|work out": "健身 健身房 游泳馆",
    "overdue|late fees|collection agency|debt collector|credit score|credit report": "逾期 征信 催收",
    "currency|exchange rate|foreign exchange|exchange money|dollars|us dollars|euros": "汇率 外汇 换汇",
    "second-hand car|second hand car|used car|used cars": "二手车",
    "income tax|tax refund|tax return|personal income tax|tax rebate": "个税 退税",
    "water bill|electricity bill|gas bill|power bill|utility bill|utility bills|heating bill|"
    "heating fee|heating fees|pay the water bill|pay my water bill|pay the electricity bill|"
    "pay my electricity bill|pay the gas bill|pay my gas bill": "水费 电费 燃气费 暖气费",
    "house price|house prices|housing prices|housing price|property prices|property price|"
    "buy a house|buy an apartment|buy a flat|sell my house|sell my flat|sell my apartment|"
    "second-hand house|second hand house|second-hand apartment|second hand apartment|"
    "real estate agent|estate agent|property agent": "房价 买房 卖房 二手房",
    "school district|school district housing|school catchment|catchment area|school zone|"
    "which school|what school|school place|school places|school admission|enrol in primary school|"
    "register for primary school|register my child for school|register my child for primary school":
        "学区 学区房 入学 学校",
    "dentist|teeth|tooth|toothache|braces|filling": "牙疼 拔牙",
    "wallet|purse|lost my wallet|lost my keys|keys": "钱包",
    "insurance company|car insurance|commercial insurance|life insurance": "保险公司 车险 商业保险",
})

# Family relations: who the question is about, rarely which service.
ENGLISH_KIN = frozenset(_words("""
parent father mother mom mum dad mommy daddy in-law mother-in-law father-in-law wife husband spouse
partner brother sister sibling relative cousin uncle aunt nephew niece grandson granddaughter
"""))

# English words that carry no topic; left out when reading an English question.
ENGLISH_STOPWORDS = frozenset(_words("""
a an the i me my mine we our us you your he she his her it its they them their this that these
those what which who whom whose how why when where is are was were be been being am do does did
done doing have has had having can could should would will shall may might must need needs
needed to of in on at by for with from about into over under up down out off as if or and but
not no so than too very just also any some all each every more most much many few there here
please thanks thank hi hello hey ok okay yes get got getting go going apply applying application
applications want wants wanted like know tell find make made give given take taken bring
document documents paper papers material materials required require requires requirement
requirements procedure procedures process steps step form forms
new one two three first way ways thing things someone somebody anyone person people i'm im don't
dont can't cannot what's whats s t day days week weeks month months year years today tomorrow
yesterday now ago last next since already still again always never sometimes often time times
here there is isn't aren't doesn't didn't won't wouldn't hasn't haven't able let lets still
myself himself herself ourselves themselves sir madam dear good morning afternoon evening
really actually just maybe perhaps around nearly almost quite rather then because while though
although until after before during through per via should've i've i'd i'll we're we've they're
he's she's it's that's there's got gotten go went gone come came coming back home
don didn doesn isn aren wasn weren won wouldn hasn haven hadn couldn shouldn ll ve re d m
him hers ours yours theirs whoever whatever whichever own big small high turned say says said see
seen talk talked other others above below behind beside besides against among across anymore
everywhere somewhere anywhere nowhere added add adds gives give gave happens happen happened become
became looking look looked send sent pick picked close closer closed caught black white red
extra additional constant pretending called yuan rmb kuai ten twenty eight four five six seven nine
fifteen thirty forty fifty hundred thousand million monday tuesday wednesday thursday friday
saturday sunday january february march april june july august september october november december
forgot forget forgotten provide provides provided handle handles handled slightly part parts
night nights nighttime midnight tonight morning mornings evenings weekend weekends
help helps helped helping government govt state authorities official officials community
communities neighbourhood neighborhood local locally city town district area region county
center centre service services scheme schemes program programs programme programmes system
nearby near nearest best better good great ask asks asked asking keep kept start started starting
even only lot lots bit use used using call called anything everything something nothing else yet
both case kind sort type types sure exactly regarding concerning related about around whether
which everyone everybody somebody's someone's folks guys lady gentleman people's persons person's
without mr mrs ms miss thing's stuff matter matters issue issues problem problems situation family families
"""))

# How, where, when and how much: every item answers these, so they weigh like the Chinese
# ask words (synonyms.ASK_WORDS) and are never taken for a service the KB lacks.
ENGLISH_ASKS = frozenset((
    "how long", "how many days", "time limit", "processing time", "how soon", "how quickly",
    "where", "office", "window", "address", "which office", "which department", "who do i see",
    "who should i see", "online", "internet", "website", "app", "on my phone", "mobile phone app",
    "how much", "urgent", "urgently", "asap", "as soon as possible", "quickly", "fast", "rush",
    "free", "for free", "free of charge", "without charge",
    "at no cost", "no charge", "costs nothing", "cost nothing", "monthly", "every month",
    "each month", "per month", "a month", "month by month", "first time", "for the first time",
    "book", "booking", "reserve", "reservation", "make a reservation", "make an appointment",
    "appointment",
))

# Words that make an English clause a request rather than narrative.
ENGLISH_QUESTION_WORDS = frozenset(_words("""
how where what which who whom when can could should would do does is are will may need want
please help apply get tell
"""))

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
             ("es", ""), ("s", ""), ("d", ""), ("'s", ""))


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return frozenset(w for key in ENGLISH for w in key.split())


@lru_cache(maxsize=8192)
def base_form(word: str) -> str:
    """The table's base form of a word even when the word is a key of its own: inside a
    phrase, "college graduates" is looked up as "college graduate"."""
    vocabulary = _vocabulary()
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[: -len(suffix)] + replacement
            if base in vocabulary:
                return base
    return word


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The form of `word` the English table knows: children stays, 'reimbursed' → reimburse."""
    vocabulary = _vocabulary()
    if word in ENGLISH or word in ENGLISH_STOPWORDS:
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            base = word[: -len(suffix)] + replacement
            if base in vocabulary:
                return base
    return word
