-- Per shipped page: which line (lineno's number box, which follows its line in
-- the page's list) holds which word, written to <jobname>.places; changed
-- glyphs get the mark colour and their line a bar beside its number.
local WORD = luatexbase.attributes.basmaword
local CHG = luatexbase.attributes.basmachg
local LINE = luatexbase.attributes.basmaline
local GLYPH, HLIST, VLIST = node.id("glyph"), node.id("hlist"), node.id("vlist")
local out = io.open(tex.jobname .. ".places", "w")
local rgb = basma_proof_colour

local function push()
  local n = node.new("whatsit", "pdf_colorstack")
  n.stack, n.command, n.data = 0, 1, rgb .. " rg " .. rgb .. " RG"
  return n
end

local function pop()
  local n = node.new("whatsit", "pdf_colorstack")
  n.stack, n.command = 0, 2
  return n
end

local function bar(box)
  local bs = tex.baselineskip.width
  local k1, r, k2 = node.new("kern"), node.new("rule"), node.new("kern")
  k1.kern, r.width, k2.kern = -tex.sp("4.5pt"), tex.sp("1.5pt"), tex.sp("3pt")
  r.height, r.depth = math.floor(bs * 0.72), math.floor(bs * 0.28) + 1
  local head = box.head
  local last = node.tail(head)
  head = node.insert_after(head, last, push())
  head = node.insert_after(head, node.tail(head), k1)
  head = node.insert_after(head, k1, r)
  head = node.insert_after(head, r, k2)
  head = node.insert_after(head, k2, pop())
  box.head = head
end

local state
-- A word is on the line where it starts: a word hyphenated at a line end is
-- not listed again on the next line.
local recorded, noted = {}, {}

local function scan(box)
  local head = box.head
  local open = false
  local n = head
  while n do
    local id = n.id
    if id == GLYPH then
      local line = node.has_attribute(n, LINE)
      if line and line > 0 then
        if line ~= state.numbered then
          state.numbered = line
          for _, w in ipairs(state.pending) do out:write("w ", w, " ", state.page, " ", line, "\n") end
          if state.changed then bar(box) end
          state.pending, state.changed = {}, false
        end
      else
        local w = node.has_attribute(n, WORD)
        if w and line == 0 and not noted[w] then
          -- A footnote's text (basmaline 0): on the page, on no numbered line; this
          -- wins over a place the word's attribute had in the text before the note.
          noted[w], recorded[w] = true, true
          out:write("n ", w, " ", state.page, " 0\n")
        elseif w and not recorded[w] then
          recorded[w] = true
          table.insert(state.pending, w)
        end
        local c = node.has_attribute(n, CHG)
        if c then state.changed = true end
        if c == 1 and not open then
          head = node.insert_before(head, n, push())
          open = true
        elseif c ~= 1 and open then
          head = node.insert_before(head, n, pop())
          open = false
        end
      end
    elseif (id == HLIST or id == VLIST) and n.head then
      scan(n)
    end
    n = n.next
  end
  if open then head = node.insert_after(head, node.tail(head), pop()) end
  box.head = head
end

function basma_proof_page(boxnum, page)
  local box = tex.getbox(boxnum)
  if not box then return end
  state = {page = page, pending = {}, changed = false, numbered = nil}
  scan(box)
  -- Words no numbered line followed (a note area, a float): on the page, no line.
  for _, w in ipairs(state.pending) do out:write("w ", w, " ", page, " 0\n") end
  out:write("p ", page, "\n")
  out:flush()
end
