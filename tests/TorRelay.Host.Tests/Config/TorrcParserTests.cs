using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Config;

public class TorrcParserTests
{
    private static IReadOnlyList<ConfigLine> Parse(string text) => TorrcParser.ParseString(text, "t.conf");

    private static (string Key, string Value) Single(string text)
    {
        var lines = Parse(text);
        Assert.Single(lines);
        return (lines[0].Key, lines[0].Value);
    }

    // The examples of doc/torrc_format.txt §4.1, each with the key and value it specifies.
    [Theory]
    [InlineData("Foo Bar\n", "Foo", "Bar")]
    [InlineData("Foo    Bar    Baz\n", "Foo", "Bar    Baz")]
    [InlineData("Foo    Bar    Baz    \n", "Foo", "Bar    Baz")]
    [InlineData("Hello\\\nWorld\n", "Hello", "World")]
    [InlineData("Hello World   #today\n", "Hello", "World")]
    [InlineData("Hello World#tomorrow\n", "Hello", "World")]
    [InlineData("Hello \"World!\"\n", "Hello", "World!")]
    [InlineData("Hello \"\\\"World\\\"\\nand\\nuniverse\"\n", "Hello", "\"World\"\nand\nuniverse")]
    [InlineData("Hello\\\nWorld\\\nand\\\nfriends\n", "Hello", "Worldandfriends")]
    [InlineData("Too \\\nMany\\\\\\\nBacksl\\ashes \\\\\nhere\n", "Too", "Many\\\\Backsl\\ashes \\here")]
    [InlineData("This entry      \\\n # has comments \\\n and some       \\\n are # generally \\\n silly\n", "This",
        "entry        and some        are  silly")]
    [InlineData("This entry      \\\n # has comments\n and some       \\\n are # generally\n silly\n", "This",
        "entry        and some        are  silly")]
    public void ParsesTheTorrcFormatExamples(string text, string key, string value)
    {
        Assert.Equal((key, value), Single(text));
    }

    [Fact]
    public void SkipsCommentsAndBlankLinesAndTracksLineNumbers()
    {
        var lines = Parse("# comment\n\n   \nNickname a\n  # indented comment\n\tORPort 9001\nLog notice stdout");
        Assert.Equal([("Nickname", 4), ("ORPort", 6), ("Log", 7)], lines.Select(l => (l.Key, l.Line)));
        Assert.All(lines, l => Assert.Equal("t.conf", l.Source));
    }

    [Fact]
    public void ContinuedEntryKeepsTheLineOfItsKeyword()
    {
        var lines = Parse("A 1\nB x\\\ny\\\nz\nC 3\n");
        Assert.Equal([1, 2, 5], lines.Select(l => l.Line));
        Assert.Equal("xyz", lines[1].Value);
    }

    [Fact]
    public void StripsCarriageReturnsAsTorDoes()
    {
        var lines = Parse("Nickname abc\r\nORPort 9001\r\n");
        Assert.Equal(["abc", "9001"], lines.Select(l => l.Value));
    }

    [Fact]
    public void KeyWithoutValueHasEmptyValue()
    {
        Assert.Equal(("ExitPolicy", ""), Single("ExitPolicy\n"));
    }

    [Fact]
    public void PlusAndSlashPrefixesBecomeCommands()
    {
        var lines = Parse("+ExitPolicy accept *:80\n/Log\n");
        Assert.Equal(("ExitPolicy", ConfigLineCommand.Append), (lines[0].Key, lines[0].Command));
        Assert.Equal(("Log", "", ConfigLineCommand.Clear), (lines[1].Key, lines[1].Value, lines[1].Command));
    }

    [Theory]
    [InlineData("\"\\x41\\101\\t\"", "AA\t")]
    [InlineData("\"a\\\\b\\'c\"", "a\\b'c")]
    [InlineData("\"# not a comment\"  # a comment", "# not a comment")]
    public void DecodesQuotedValuesAsCStrings(string value, string expected)
    {
        Assert.Equal(expected, Single("Key " + value + "\n").Value);
    }

    [Theory]
    [InlineData("A 1\nKey \"bad \\q escape\"\n", 2, "Invalid escape sequence in quoted string")]
    [InlineData("A 1\n\nKey \"unterminated\n", 3, "Invalid escape sequence in quoted string")]
    [InlineData("Key \"ok\" trailing\n", 1, "Excess data after quoted string")]
    [InlineData("A 1\nKey \"\\400\"\n", 2, "Invalid escape sequence in quoted string")]
    public void MalformedQuotedValueNamesItsLine(string text, int line, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(text));
        Assert.Equal(line, e.Line);
        Assert.Equal($"t.conf:{line}: {message}", e.Message);
    }

    [Fact]
    public void IncludesFileInPlace()
    {
        using var dir = new TempDir();
        string inc = dir.Write("extra.conf", "ContactInfo me\nMyFamily $0123456789012345678901234567890123456789\n");
        string main = dir.Write("torrc", $"Nickname a\n%include {inc}\nORPort 9001\n");
        var lines = TorrcParser.ParseFile(main);
        Assert.Equal(["Nickname", "ContactInfo", "MyFamily", "ORPort"], lines.Select(l => l.Key));
        Assert.Equal((inc, 2), (lines[2].Source, lines[2].Line));
        Assert.Equal((main, 3), (lines[3].Source, lines[3].Line));
    }

    [Fact]
    public void IncludesDirectoryFilesSortedSkippingDotFiles()
    {
        using var dir = new TempDir();
        dir.Write("torrc.d/20-b.conf", "B 2\n");
        dir.Write("torrc.d/10-a.conf", "A 1\n");
        dir.Write("torrc.d/.hidden", "Hidden 1\n");
        dir.Write("torrc.d/sub/nested.conf", "Nested 1\n");
        string main = dir.Write("torrc", $"%include {Path.Combine(dir.Path, "torrc.d")}\nC 3\n");
        Assert.Equal(["A", "B", "C"], TorrcParser.ParseFile(main).Select(l => l.Key));
    }

    [Fact]
    public void IncludesGlobMatchesSorted()
    {
        using var dir = new TempDir();
        dir.Write("conf/b.conf", "B 2\n");
        dir.Write("conf/a.conf", "A 1\n");
        dir.Write("conf/c.txt", "C 3\n");
        string main = dir.Write("torrc", $"%include {Path.Combine(dir.Path, "conf", "*.conf")}\n");
        Assert.Equal(["A", "B"], TorrcParser.ParseFile(main).Select(l => l.Key));
    }

    [Fact]
    public void MissingIncludeIsAnErrorNamingTheIncludeLine()
    {
        using var dir = new TempDir();
        string main = dir.Write("torrc", "Nickname a\n%include /nonexistent/torrelay.conf\n");
        var e = Assert.Throws<ConfigException>(() => TorrcParser.ParseFile(main));
        Assert.StartsWith($"{main}:2: Error reading included configuration file", e.Message);
    }

    [Fact]
    public void RecursiveIncludeStopsAtTorsLimit()
    {
        using var dir = new TempDir();
        string self = Path.Combine(dir.Path, "self.conf");
        File.WriteAllText(self, $"%include {self}\n");
        var e = Assert.Throws<ConfigException>(() => TorrcParser.ParseFile(self));
        Assert.Contains("More than 31 nested %includes", e.Message);
    }

    [Fact]
    public void InvalidUtf8FileIsRejected()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "torrc");
        File.WriteAllBytes(path, [(byte)'A', (byte)' ', 0xff, 0xfe, (byte)'\n']);
        var e = Assert.Throws<ConfigException>(() => TorrcParser.ParseFile(path));
        Assert.Contains("not valid UTF-8", e.Message);
    }
}
