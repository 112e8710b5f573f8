// Signs the same DynamoDB PutItem request N times and prints the rate, for bench/aws/run.sh.
import AWS
import Foundation

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
let body = Array(#"{"TableName":"tmux-deployments","Item":{"userId":{"S":"alice"},"projectId":{"S":"g1"},"awsResources":{"M":{"s3Bucket":{"S":"tmux-builder-g1"}}}}}"#.utf8)
let signer = SigV4Signer(
    credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    region: "us-east-1", service: "dynamodb")
let request = SigV4Request(method: "POST", path: "/", headers: [
    ("host", "dynamodb.us-east-1.amazonaws.com"), ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "DynamoDB_20120810.PutItem"),
])
let date = Date(timeIntervalSince1970: 1_440_938_160)
var last = ""
let clock = ContinuousClock()
let elapsed = clock.measure {
    for _ in 0..<count {
        last = signer.sign(request, payload: .bytes(body), date: date).signature
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("swift \(count) \(seconds) \(last)")
