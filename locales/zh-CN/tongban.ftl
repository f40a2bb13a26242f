# Tongban messages — source language (zh-CN). Every other language has exactly these ids.

app-name = 通办
app-tagline = 一网通办，办事不求人
skip-to-content = 跳到主要内容
home-heading = 办事
home-intro = 选择要办理的事项，查看办事指南并在线申请。
matter-fully-online = 全程网办
matter-visits =
    { $count ->
        [0] 无需到现场
       *[other] 最多跑 { $count } 次
    }
matter-promised-days =
    { $days ->
        [0] 即办
       *[other] 承诺 { $days } 个工作日办结
    }
matter-department = 实施部门：{ $department }
matter-type-administrative-licence = 行政许可
matter-type-administrative-confirmation = 行政确认
matter-type-administrative-payment = 行政给付
matter-type-public-service = 公共服务
matter-type-other = 其他
audience-person = 个人办事
audience-business = 法人办事
not-found-heading = 页面不存在
not-found-back = 返回首页
retry = 重试
error-network = 网络连接失败，请检查网络后重试。
error-unauthorized = 登录已过期，请重新登录。
error-not-found = 没有找到相关内容。
error-conflict = 内容已在其他设备上修改，请核对后再提交。
error-validation = 填写的内容有误，请按提示修改。
error-server = 服务暂时不可用，请稍后重试。
search-label = 搜索办事事项
search-placeholder = 例如：社保卡、shebaoka、身份证丢了
search-hint = 可输入汉字、拼音或拼音首字母。
search-results-count = 找到 { $count } 个事项
search-no-results = 没有找到相关事项。可以换个说法，或按主题浏览。
region-label = 办事地区
region-all = 全部地区
audience-switch-label = 办事对象
life-events-heading = 按主题办事
popular-heading = 热门事项
bundles-heading = 一件事一次办
bundle-matters-count = 共 { $count } 个事项，一次申请
bundle-shared = 只需填写一次的信息
bundle-matters = 包含的事项
event-matters = 相关事项
catalog-loading = 正在加载事项目录…
guide-loading = 正在加载办事指南…
guide-at-a-glance = 办理概要
guide-time = 办理时限
guide-legal-days = 法定 { $days } 个工作日
guide-visits = 到现场次数
guide-fee = 收费
guide-fee-free = 不收费
guide-channels = 办理渠道
guide-channel-best = 推荐
channel-online = 网上办理
channel-mobile = 掌上办理
channel-hall = 窗口办理
channel-self-service = 自助终端办理
channel-post = 邮寄办理
guide-materials = 申请材料
material-count = { $count } 份
material-form-original = 原件
material-form-copy = 复印件
material-form-original-and-copy = 原件和复印件
material-form-electronic = 电子材料
material-required = 必要
material-optional = 视情况提供
material-later = 容缺：可后补
material-certificate = 免提交：可用电子证照
material-source = 来源：{ $source }
guide-conditions = 受理条件
guide-steps = 办理流程
guide-service-points = 办事地点
service-point-hours = 办公时间：{ $hours }
service-point-call = 拨打 { $phone }
service-point-map = 在地图中查看
guide-faq = 常见问题
guide-basis = 设定依据
guide-contact = 咨询与投诉
guide-consultation = 咨询电话：{ $phone }
guide-complaint = 投诉电话：{ $phone }
guide-cross-province = 跨省通办
guide-in-bundles = 可以一起办的一件事
