"""The web workbench (`gongkai serve`): server-rendered pages and a JSON API over the store.

Error codes it shows (``[E-CODE] 说明``):
E-WEB-AUTH 需要登录; E-WEB-LOGIN 用户名或密码错误; E-WEB-CSRF 表单/请求缺少有效的 CSRF 令牌;
E-WEB-ROLE 当前用户无此权限; E-WEB-404 找不到（或不在本用户区域内）; E-WEB-DECISION 审核结论无效;
E-WEB-UPLOAD-COUNT / -SIZE / -TYPE 上传的文件数、大小、格式不合要求; E-WEB-PASSWORD 密码太短;
E-WEB-DEPS 未安装 web 组件。
"""
