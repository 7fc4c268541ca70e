-- Headless Neovim (0.7 APIs: vim.lsp.start_client + buf_attach_client)
-- attaches `stackgate lsp` to a Terraform file and a CloudFormation
-- template, records the diagnostics it shows, applies the quick fix for
-- ec2-imdsv2 in the template, writes it, and records the diagnostics again.
local bin, dir, out = os.getenv("SG_BIN"), os.getenv("SG_DIR"), os.getenv("SG_OUT")
local result = { errors = {} }

local function fail(msg)
  table.insert(result.errors, msg)
end

local function diags(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then
      code = d.user_data.lsp.code
    end
    table.insert(list, { line = d.lnum, col = d.col, severity = d.severity, code = code, message = d.message })
  end
  return list
end

local function has(buf, rule)
  for _, d in ipairs(diags(buf)) do
    if d.code == rule then
      return d
    end
  end
  return nil
end

local ok, err = pcall(function()
  local id = vim.lsp.start_client({ name = "stackgate", cmd = { bin, "lsp" }, root_dir = dir })
  if not id then
    error("start_client failed")
  end
  vim.cmd("edit " .. dir .. "/terraform-aws/main.tf")
  local tf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(tf, id)
  vim.cmd("edit " .. dir .. "/cloudformation/template.yaml")
  local cf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(cf, id)

  if not vim.wait(30000, function() return #diags(tf) > 0 and #diags(cf) > 0 end, 50) then
    fail("no diagnostics within 30 s")
  end
  result.terraform = diags(tf)
  result.cloudformation = diags(cf)

  local d = has(cf, "ec2-imdsv2")
  if not d then
    error("no ec2-imdsv2 diagnostic in the template")
  end
  local client = vim.lsp.get_client_by_id(id)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(cf) },
    range = { start = { line = d.line, character = d.col }, ["end"] = { line = d.line, character = d.col } },
    context = { diagnostics = {} },
  }
  local resp = client.request_sync("textDocument/codeAction", params, 10000, cf)
  if not resp or resp.err then
    error("codeAction failed: " .. vim.inspect(resp))
  end
  local applied = nil
  for _, action in ipairs(resp.result or {}) do
    if action.edit and not string.find(action.title, "^Suppress") then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      applied = action.title
      break
    end
  end
  result.applied = applied
  vim.api.nvim_buf_call(cf, function() vim.cmd("write") end)
  if not vim.wait(30000, function() return has(cf, "ec2-imdsv2") == nil end, 50) then
    fail("ec2-imdsv2 still shown after the fix")
  end
  result.cloudformation_after = diags(cf)
  vim.lsp.stop_client(id)
end)
if not ok then
  fail(tostring(err))
end
local f = io.open(out, "w")
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd("qa!")
