-- Wait until an LSP client has initialized, write the root folder of every
-- client as a JSON list to $STEWARD_RESULT, stop the clients and quit. The
-- setup under test starts them for the current buffer. Exits 1 after 30 s
-- without a client.
local found = vim.wait(30000, function() return #vim.lsp.get_active_clients() > 0 end, 20)
local roots = {}
for _, client in ipairs(vim.lsp.get_active_clients()) do
  table.insert(roots, client.config.root_dir)
  client.stop()
end
local file = assert(io.open(os.getenv('STEWARD_RESULT'), 'w'))
file:write(vim.json.encode({ roots = roots }))
file:close()
vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
vim.cmd(found and 'qall!' or 'cquit 1')
