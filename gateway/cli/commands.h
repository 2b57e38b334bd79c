// The renkei subcommands. Each returns the process exit code.
#pragma once

namespace renkei::cli {

int runConvert(int argc, char** argv);
int runValidate(int argc, char** argv);
int runDefinitions(int argc, char** argv);
int runFhirPath(int argc, char** argv);
int runServe(int argc, char** argv);
int runCheckConfig(int argc, char** argv);
int runOutbox(int argc, char** argv);
int runIntake(int argc, char** argv);
int runVersion(int argc, char** argv);
int runToken(int argc, char** argv);
int runAudit(int argc, char** argv);
int runMap(int argc, char** argv);
int runMapping(int argc, char** argv);
int runMatch(int argc, char** argv);
int runPatients(int argc, char** argv);
int runNotifications(int argc, char** argv);
int runDirectory(int argc, char** argv);
int runReindex(int argc, char** argv);
int runOcr(int argc, char** argv);
int runForm(int argc, char** argv);
int runFaxes(int argc, char** argv);
int runPassword(int argc, char** argv);

}  // namespace renkei::cli
