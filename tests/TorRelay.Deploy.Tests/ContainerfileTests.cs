using System.Text.RegularExpressions;

namespace TorRelay.Deploy.Tests;

/// <summary>
/// The Containerfile's structure only: no container engine runs here, so the image itself is never built by tests.
/// </summary>
public class ContainerfileTests
{
    private static readonly List<(string Instruction, string Args)> Instructions = Parse();

    private static List<(string, string)> Parse()
    {
        var result = new List<(string, string)>();
        string pending = "";
        foreach (var raw in File.ReadAllLines(RepoPaths.Deploy("Containerfile")))
        {
            string line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#'))) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            line = pending + line;
            pending = "";
            int space = line.IndexOf(' ');
            result.Add((line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }
        return result;
    }

    private static IEnumerable<string> All(string instruction) =>
        Instructions.Where(i => i.Instruction == instruction).Select(i => i.Args);

    private static IEnumerable<(string Instruction, string Args)> FinalStage() =>
        Instructions.Skip(Instructions.FindLastIndex(i => i.Instruction == "FROM"));

    [Fact]
    public void PublishesNativeAotWithTheSdkAndRunsOnRuntimeDepsOfTheSameDebian()
    {
        var from = All("FROM").ToList();

        Assert.Equal(2, from.Count);
        var build = Regex.Match(from[0], @"^mcr\.microsoft\.com/dotnet/sdk:10\.0-(\w+) AS build$");
        var run = Regex.Match(from[1], @"^mcr\.microsoft\.com/dotnet/runtime-deps:10\.0-(\w+)-slim$");
        Assert.True(build.Success, from[0]);
        Assert.True(run.Success, from[1]);
        // The native binary needs the glibc it was linked against: build and run on one Debian release.
        Assert.Equal(build.Groups[1].Value, run.Groups[1].Value);
        Assert.Contains(All("RUN"), r => r.Contains("dotnet publish src/TorRelay.Host/TorRelay.Host.csproj")
            && r.Contains("-p:PublishAot=true"));
        Assert.Contains(All("RUN"), r => r.Contains("apt-get install") && r.Contains("clang"));
        Assert.Contains(FinalStage(), i => i.Instruction == "COPY" && i.Args.StartsWith("--from=build "));
    }

    [Fact]
    public void TheRuntimeStageInstallsLibsslAndLibsodium()
    {
        var install = FinalStage().Where(i => i.Instruction == "RUN").Select(i => i.Args)
            .Single(r => r.Contains("apt-get install"));

        Assert.Contains("libssl3", install);
        Assert.Contains("libsodium23", install);
    }

    [Fact]
    public void RunsAsANonRootUserCreatedInTheImage()
    {
        string user = FinalStage().Last(i => i.Instruction == "USER").Args;

        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Contains(FinalStage(), i => i.Instruction == "RUN" && i.Args.Contains($"useradd") && i.Args.Contains(user));
    }

    [Fact]
    public void TheVolumeIsTheDataDirectoryOfTheTorrcItShips()
    {
        Assert.Equal("[\"/var/lib/torrelay\"]", All("VOLUME").Single());
        Assert.Contains("COPY relay.conf.example /etc/torrelay/torrc", FinalStage().Select(i => $"{i.Instruction} {i.Args}"));
        Assert.Contains("\nDataDirectory /var/lib/torrelay\n", File.ReadAllText(Path.Combine(RepoPaths.Root, "relay.conf.example")));
    }

    [Fact]
    public void ExposesTheOrPortAndNamesTheEntrypoint()
    {
        Assert.Contains(All("EXPOSE"), e => e.Split(' ').Contains("9001/tcp") || e.Split(' ').Contains("9001"));
        Assert.Contains("\nORPort 9001\n", File.ReadAllText(Path.Combine(RepoPaths.Root, "relay.conf.example")));
        Assert.Equal("[\"/usr/lib/torrelay/torrelay\"]", All("ENTRYPOINT").Single());
        Assert.Equal("[\"-f\", \"/etc/torrelay/torrc\"]", All("CMD").Single());
    }

    [Fact]
    public void CopiesOnlyPathsThatExistInTheRepository()
    {
        foreach (var copy in All("COPY").Where(c => !c.StartsWith("--from=")))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[..^1])
                Assert.True(Path.Exists(Path.Combine(RepoPaths.Root, source)), $"COPY source {source} is missing");
        }
    }
}
