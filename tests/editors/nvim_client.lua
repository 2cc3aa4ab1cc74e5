-- Headless Neovim (0.7+) end-to-end check of the steward language server.
--
-- Run from test_neovim.py as
--   nvim --headless --clean -c "luafile nvim_client.lua" MODEL_FILE
-- with STEWARD_PYTHON (interpreter that runs the server), STEWARD_ROOT
-- (workspace root) and STEWARD_RESULT (path of the JSON result file).
--
-- Steps: attach the server to the buffer, wait for steward's diagnostics,
-- request the code actions of the first one, apply "Ignore CODE on this
-- line", save, and wait until that diagnostic is gone. Then apply the quick
-- fix "Add index=True to COLUMN" of an STW201 or STW202 finding the same way,
-- and run the server command steward.modelState, which writes
-- docs/data-model.mmd. Every step is written to the result file, and the
-- Python test asserts on it.

local DIAGNOSTICS_TIMEOUT_MS = 30000
local REQUEST_TIMEOUT_MS = 10000
-- steward.modelState analyses the workspace before it writes.
local COMMAND_TIMEOUT_MS = 60000
local INDEX_CODES = { STW201 = true, STW202 = true }

local result = { steps = {}, log = {} }
local started = vim.loop.hrtime()

local function elapsed_ms()
  return math.floor((vim.loop.hrtime() - started) / 1e6)
end

local function write_result()
  local file = assert(io.open(os.getenv("STEWARD_RESULT"), "w"))
  file:write(vim.json.encode(result))
  file:close()
end

local function step(name, data)
  data = data or {}
  data.name = name
  data.at_ms = elapsed_ms()
  table.insert(result.steps, data)
end

local function finish(error_message)
  result.error = error_message
  result.total_ms = elapsed_ms()
  write_result()
  vim.cmd(error_message and "cquit 1" or "qall!")
end

local function steward_diagnostics(bufnr)
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == "steward" then
      table.insert(found, diagnostic)
    end
  end
  return found
end

-- Neovim 0.7 keeps the LSP code only in user_data; later versions copy it.
local function code_of(diagnostic)
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp
  return diagnostic.code or (lsp and lsp.code)
end

local function summary(diagnostics)
  local rows = {}
  for _, d in ipairs(diagnostics) do
    table.insert(rows, { line = d.lnum, col = d.col, code = code_of(d), message = d.message })
  end
  return rows
end

local bufnr = vim.api.nvim_get_current_buf()
-- Raw LSP diagnostics of the buffer, kept for the code action context.
local published = {}
-- The response to workspace/executeCommand, once it arrives.
local command_response = nil

local client_id = vim.lsp.start_client({
  name = "steward",
  cmd = { os.getenv("STEWARD_PYTHON"), "-m", "steward_lsp", "serve" },
  root_dir = os.getenv("STEWARD_ROOT"),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
      if params.uri == vim.uri_from_bufnr(bufnr) then
        published = params.diagnostics
      end
      return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
    end,
    ["window/logMessage"] = function(_, params)
      table.insert(result.log, params.message)
    end,
    ["window/showMessage"] = function(_, params)
      table.insert(result.log, "showMessage: " .. params.message)
    end,
    ["workspace/executeCommand"] = function(err, command_result)
      command_response = { err = err, result = command_result }
    end,
  },
})
if not client_id then
  return finish("vim.lsp.start_client returned nil")
end
vim.lsp.buf_attach_client(bufnr, client_id)

local have_diagnostics = vim.wait(DIAGNOSTICS_TIMEOUT_MS, function()
  return #steward_diagnostics(bufnr) > 0
end, 20)
step("diagnostics", { diagnostics = summary(steward_diagnostics(bufnr)) })
if not have_diagnostics then
  return finish("no steward diagnostics within " .. DIAGNOSTICS_TIMEOUT_MS .. " ms")
end

local client = vim.lsp.get_client_by_id(client_id)

-- Request the code actions of one raw diagnostic; return them and their titles.
local function code_actions(diagnostic)
  local response = client.request_sync("textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diagnostic.range,
    context = { diagnostics = { diagnostic } },
  }, REQUEST_TIMEOUT_MS, bufnr)
  if not response or response.err then
    return nil, nil, "textDocument/codeAction failed: " .. vim.inspect(response)
  end
  local titles = {}
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
  end
  return response.result or {}, titles, nil
end

local function titled(actions, title)
  for _, action in ipairs(actions) do
    if action.title == title then
      return action
    end
  end
  return nil
end

-- Apply the action's edit, save the buffer, and return the edited line.
local function apply_and_save(action, line)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd("silent write")
  return {
    buffer_line = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1],
    file_line = vim.fn.readfile(vim.api.nvim_buf_get_name(bufnr))[line + 1],
  }
end

-- Wait until no steward diagnostic with ``code`` is left on ``line``.
local function wait_cleared(line, code)
  return vim.wait(DIAGNOSTICS_TIMEOUT_MS, function()
    for _, d in ipairs(steward_diagnostics(bufnr)) do
      if d.lnum == line and code_of(d) == code then
        return false
      end
    end
    return true
  end, 20)
end

local target = published[1]
local line = target.range.start.line
local actions, titles, failure = code_actions(target)
if failure then
  return finish(failure)
end
step("code_actions", { target_code = target.code, target_line = line, titles = titles })
local expected_title = "Ignore " .. tostring(target.code) .. " on this line"
local ignore_action = titled(actions, expected_title)
if not ignore_action or not ignore_action.edit then
  return finish("no code action titled " .. expected_title .. " with an edit")
end

step("edited", apply_and_save(ignore_action, line))
local cleared = wait_cleared(line, target.code)
step("after_edit", { cleared = cleared, diagnostics = summary(steward_diagnostics(bufnr)) })

-- The ignore edit was republished above, so ``published`` matches the buffer
-- again, which the server requires before it offers a fix.
local index_target = nil
for _, diagnostic in ipairs(published) do
  if INDEX_CODES[diagnostic.code] and diagnostic.range.start.line ~= line then
    index_target = diagnostic
    break
  end
end
if not index_target then
  return finish("no STW201 or STW202 diagnostic after the ignore edit")
end
local index_line = index_target.range.start.line
-- The server names the fix after the column in the diagnostic's data:
-- "column" for STW201, a one-item "columns" list for STW202.
local index_column = index_target.data.column or index_target.data.columns[1]
local index_title = "Add index=True to " .. tostring(index_column)
actions, titles, failure = code_actions(index_target)
if failure then
  return finish(failure)
end
step("index_actions", { target_code = index_target.code, target_line = index_line,
                        expected_title = index_title, titles = titles })
local index_action = titled(actions, index_title)
if not index_action or not index_action.edit then
  return finish("no code action titled " .. index_title .. " with an edit")
end

step("index_edited", apply_and_save(index_action, index_line))
cleared = wait_cleared(index_line, index_target.code)
step("after_index_edit", { cleared = cleared,
                           diagnostics = summary(steward_diagnostics(bufnr)) })

-- As a user would run it; the handler above records the response.
vim.lsp.buf.execute_command({
  command = "steward.modelState",
  arguments = { { uri = vim.uri_from_bufnr(bufnr) } },
})
local answered = vim.wait(COMMAND_TIMEOUT_MS, function() return command_response ~= nil end, 20)
if not answered or command_response.err then
  return finish("steward.modelState failed: " .. vim.inspect(command_response))
end
step("model_state", { result = command_response.result })

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
finish(nil)
