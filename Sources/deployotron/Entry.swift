import ArgumentParser
import DeployotronCLI

@main extension DeployotronCommand {}
