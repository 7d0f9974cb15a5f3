"""Everyday subjects residents bring to a service center that it does not serve.

A township or community service center answers for its own items; questions about
the weather, trains, banks, health advice, naming a baby, or the procedures of other
offices (marriage registry, exit-entry, vehicle office) go to staff instead of
getting a wrong answer. Two tables, both generic — nothing here names an item:

- `OFF_TOPIC`: subjects (护照, 银行卡, 疫苗 …). One counts against a match unless the
  loaded knowledge base mentions it anywhere, so a center that does issue passports
  is matched as usual.
- `OFF_TOPIC_ACTS`: procedures and asks of other offices or of everyday life
  (离婚手续, 办护照, 起名字 …), each with its *core*. One counts against a match unless
  an item's name or alias contains the core: a keyword 离婚 on a legal-advice item
  does not make the center a marriage registry, an item named 离婚登记 does.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Whitespace-separated words of a word-list literal."""
    return text.split()


OFF_TOPIC = frozenset(_words("""
天气 下雨 气温 温度 刮风 下雪 台风 预报 雾霾 天亮 天气预报 有雨 雨天 晴天 阴天 降温 几点 星期几 农历 黄历
火车 火车票 高铁 动车 车票 机票 飞机 航班 订票 买票 抢票 12306 打车 出租车 网约车 滴滴 地铁 船票 汽车站
客车 路况 堵车 多远 距离 路线 导航 地图
护照 签证 港澳 通行证 出入境 出国 留学
驾照 驾驶证 驾考 考驾照 科目一 科目二 科目三 车牌 上牌 违章 罚单 罚款 扣分 年检 年审 行驶证 车险 挪车
停车 停车费 加油 加油站 充电桩 洗车 修车 4s店 二手车 电动车 摩托车 车子保险 汽车保险 交警 刮蹭
结婚 离婚 领证 彩礼 相亲 婚礼 酒席 婚纱
公积金 个税 退税 增值税 股票 基金 理财 黄金 比特币 彩票 信用卡 银行卡 银行 网贷 花呗 借呗 征信 逾期 催收
房贷 车贷 利率 利息 存款 取款 存钱 取钱 转账 汇款 保险公司 商业保险 理赔
快递 外卖 网购 退货 退款 淘宝 拼多多 京东 直播 优惠券 商家 客服 假货 消费者 12315 冰箱 洗衣机 空调 家电
电影 电视剧 综艺 游戏 音乐 唱歌 跳舞 广场舞 笑话 段子 故事 小说 新闻 星座 算命 运势 风水 写诗 作文 写一首
饭 吃饭 好吃 餐厅 菜谱 炒菜 奶茶 咖啡 酒店 旅游 宾馆 民宿预订
手机 话费 流量 套餐 宽带 wifi 网络 信号 营业厅 手机号 验证码 微信 支付宝 qq 抖音 快手 电脑 充电
学校 上学 转学 入学 幼儿园 小学 初中 高中 大学 考试 高考 中考 成绩 录取 分数线 志愿 作业 补习 补课 家教
班主任 校车 助学贷款 学生贷款 奖学金 助学金 公务员 考公 事业编 考编
疫苗 打疫苗 预防针 狂犬 接种 体检 发烧 咳嗽 感冒 头疼 头痛 头晕 恶心 呕吐 胃疼 牙疼 牙痛 肚子疼 拉肚子
腹泻 便秘 失眠 过敏 湿疹 皮肤病 痛风 尿酸 血脂 胆固醇 结石 近视 白内障 拔牙 化验 拍片 验血 彩超 核磁
中药 西药 保健品 感冒药 退烧药 消炎药 减肥 偏方 养生
宠物 狗证 养狗 猫粮 狗粮 狗咬
请假条 请假 起名 取名 名字 改名
物业 房价 小区 装修 买房 卖房 买房子 卖房子 房产证 过户 营业执照 年报 工商 发票 开票
征地 征收 拆迁 拆迁款 补偿款 无犯罪 犯罪记录 公证 公证处
表扬信 感谢信 锦旗 表扬 放假 假期 节假日 几点上班 几点下班 下班 午休
报警 110 纪委 信访 上访 检察院
去哪玩 好玩 玩的地方 出去玩 游玩 寺庙 烧香 拜佛 教堂
失恋 谈恋爱 聊天 无聊 心情 账号 登录 诈骗 骗子 被骗 结婚证 离婚证 结婚登记 症状 路线 退货
水费 电费 燃气费 暖气费 取暖费 话费 健身 健身房 游泳馆 学区 学区房 二手房 房产税 汇率 外汇 换汇 钱包
首付 买车 买辆车 提车 腿疼 腰疼 膝盖疼 关节疼 胸闷 心慌 睡不着 疼得厉害 掉头发 脱发
"""))

# Procedure or ask → its core. The ask is off-topic unless some item's name or alias
# contains the core.
OFF_TOPIC_ACTS = {
    phrase: core
    for core, phrases in {
        "结婚": "结婚登记 登记结婚 领结婚证 办结婚证 扯结婚证 结婚证 补办结婚证 结婚证补办 扯证",
        "离婚": "离婚手续 办离婚 离婚登记 离婚证 协议离婚 离婚协议 起诉离婚 离婚怎么办",
        "护照": "办护照 护照办理 补办护照 护照过期 护照到期",
        "签证": "办签证 签证办理",
        "通行证": "港澳通行证 台湾通行证 办通行证",
        "驾": "考驾照 驾照换证 换驾照 驾照到期 驾照扣分 驾驶证换证 驾照年审",
        "车辆": "车辆年检 车辆过户 上车牌 车辆登记 车子年检 车子过户",
        "银行": "银行卡密码 银行卡挂失 银行卡丢了 银行卡冻结 开银行卡 办银行卡 银行开户",
        "信用卡": "还信用卡 信用卡逾期 信用卡还款 办信用卡",
        "房贷": "房贷利率 存款利率 贷款利息 房贷利息 车贷利息 提前还贷 还房贷",
        "公积金": "提取公积金 公积金提取 公积金贷款",
        "税": "个税退税 个人所得税 交个税",
        "过户": "房产过户 房子过户 二手房过户",
        "疫苗": "打疫苗 接种疫苗 打预防针",
        "起名": "起名字 取名字 起个名 取个名 起个名字 取个名字 起名 取名 名字好听 好听的名字 好名字 "
                "取个好名 起个好名 取个好名字 起个好名字",
        "发票": "开发票 代开发票 开票 开个发票",
        "健康咨询": "吃什么药 挂什么科 挂哪个科 高不高 要紧吗 严重吗 能吃吗 能不能吃 吃什么好 怎么降 "
                "吃啥药 吃一辈子药 要吃药吗 要不要吃药 哪家医院好 哪个医院好 哪个医生好 "
                "医院好不好 推荐医院 哪家医院 挂号",
        "服务态度": "态度差 态度不好 态度太差 服务态度 不耐烦",
        "微信": "注册微信 微信密码 微信被封 微信支付 支付密码",
    }.items()
    for phrase in phrases.split()
}
