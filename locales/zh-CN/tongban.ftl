# Tongban messages — source language (zh-CN). Every other language has exactly these ids.

app-name = 通办
app-tagline = 一网通办，办事不求人
skip-to-content = 跳到主要内容
home-heading = 办事事项
home-intro = 选择要办理的事项，查看办事指南并在线申请。
matters-loading = 正在加载事项…
matters-empty = 暂无可办理的事项。
matters-count = 共 { $count } 项
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
offline-notice = 当前处于离线状态，显示的是上次保存的内容。
error-network = 网络连接失败，请检查网络后重试。
error-unauthorized = 登录已过期，请重新登录。
error-not-found = 没有找到相关内容。
error-conflict = 内容已在其他设备上修改，请核对后再提交。
error-validation = 填写的内容有误，请按提示修改。
error-server = 服务暂时不可用，请稍后重试。
