-- Wait until the current buffer has steward diagnostics, then write their
-- codes as a JSON list to $STEWARD_RESULT and quit. Exits 1 after 30 s
-- without diagnostics. The client is started by the setup under test.
local bufnr = vim.api.nvim_get_current_buf()

local function steward_codes()
  local codes = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == 'steward' then
      -- Neovim 0.7 keeps the LSP code only in user_data.
      local lsp = diagnostic.user_data and diagnostic.user_data.lsp
      table.insert(codes, diagnostic.code or (lsp and lsp.code))
    end
  end
  return codes
end

local found = vim.wait(30000, function() return #steward_codes() > 0 end, 20)
local file = assert(io.open(os.getenv('STEWARD_RESULT'), 'w'))
file:write(vim.json.encode({ codes = steward_codes(), clients = #vim.lsp.get_active_clients() }))
file:close()
for _, client in ipairs(vim.lsp.get_active_clients()) do
  client.stop()
end
vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
vim.cmd(found and 'qall!' or 'cquit 1')
